DROP TABLE public.event CASCADE;
