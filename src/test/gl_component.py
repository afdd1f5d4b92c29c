#!/usr/bin/python3
"""GitLab's side of templates/breaking.yml, on this machine.

For src/test/ci_gitlab.sh:

  gl_component.py interpolate COMPONENT INPUTS.json
      the jobs document as GitLab makes it from the component: the header's
      inputs (defaults, types, unknown names refused) put in for
      $[[ inputs.NAME ]], printed as JSON
  gl_component.py rules JOBS.json JOB VARS.json
      "run" or "never": the job's rules: for a pipeline with those
      variables (the forms `$V`, `$V == "x"`, `&&`, `when: never`)
  gl_component.py script JOBS.json JOB
      the job's before_script and script as one bash script, as the
      runner joins them
  gl_component.py schema SCHEMA.json FILE...
      each YAML document of each FILE against GitLab's CI JSON schema
  gl_component.py include CI.yml COMPONENT
      a .gitlab-ci.yml that includes the component (docs/ci.md's): its
      include: entry's inputs applied, the jobs document printed as JSON
"""
import json
import re
import sys

import yaml


def interpolate(path, inputs):
    header, body = open(path).read().split("\n---\n", 1)
    spec = yaml.safe_load(header)["spec"]
    decl = spec.get("inputs") or {}
    for k in inputs:
        if k not in decl:
            raise SystemExit("unknown input '%s'" % k)
    values = {}
    for k, d in decl.items():
        if k in inputs:
            v = inputs[k]
        elif "default" in d:
            v = d["default"]
        else:
            raise SystemExit("input '%s' is required" % k)
        t = d.get("type", "string")
        if t == "boolean" and not isinstance(v, bool):
            raise SystemExit("input '%s' is not a boolean" % k)
        if t == "string" and not isinstance(v, str):
            raise SystemExit("input '%s' is not a string" % k)
        values[k] = v
    def sub(m):
        key = m.group(1)
        if key not in values:
            raise SystemExit("no input '%s'" % key)
        v = values[key]
        return ("true" if v else "false") if isinstance(v, bool) else str(v)
    text = re.sub(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]", sub, body)
    if "$[[" in text:
        raise SystemExit("uninterpolated: " + text[text.index("$[["):][:60])
    return yaml.safe_load(text)


def cond(expr, env):
    def one(term):
        term = term.strip()
        m = re.fullmatch(r'\$(\w+)\s*(==|!=)\s*"([^"]*)"', term)
        if m:
            eq = env.get(m.group(1), "") == m.group(3)
            return eq if m.group(2) == "==" else not eq
        m = re.fullmatch(r"\$(\w+)", term)
        if m:
            return env.get(m.group(1), "") != ""
        raise SystemExit("rules: cannot read %r" % term)
    return all(one(t) for t in expr.split("&&"))


def main():
    cmd = sys.argv[1]
    if cmd == "interpolate":
        json.dump(interpolate(sys.argv[2], json.load(open(sys.argv[3]))), sys.stdout)
    elif cmd == "rules":
        job = json.load(open(sys.argv[2]))[sys.argv[3]]
        env = json.load(open(sys.argv[4]))
        for r in job.get("rules", []):
            if "if" not in r or cond(r["if"], env):
                print("never" if r.get("when") == "never" else "run")
                return
        print("never")
    elif cmd == "script":
        job = json.load(open(sys.argv[2]))[sys.argv[3]]
        print("\n".join(job.get("before_script", []) + job["script"]))
    elif cmd == "schema":
        import jsonschema
        schema = json.load(open(sys.argv[2]))
        bad = 0
        for f in sys.argv[3:]:
            for i, doc in enumerate(yaml.safe_load_all(open(f))):
                for e in jsonschema.Draft7Validator(schema).iter_errors(doc):
                    print("%s: document %d: %s: %s" % (f, i + 1, "/".join(map(str, e.path)), e.message))
                    bad += 1
        sys.exit(1 if bad else 0)
    elif cmd == "include":
        ci = yaml.safe_load(open(sys.argv[2]))
        inc = [i for i in ci["include"] if "component" in i]
        if len(inc) != 1:
            raise SystemExit("want one include: component:")
        if not re.fullmatch(r"\$CI_SERVER_FQDN/[^@]+/breaking@[^@]+", inc[0]["component"]):
            raise SystemExit("not this component: %s" % inc[0]["component"])
        json.dump(interpolate(sys.argv[3], inc[0].get("inputs") or {}), sys.stdout)
    else:
        raise SystemExit("usage: see the docstring")


if __name__ == "__main__":
    main()
