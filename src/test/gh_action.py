#!/usr/bin/python3
"""Run a composite action.yml as a GitHub runner would, on this machine.

For src/test/ci_github.sh: each step's `if:` and `env:` are evaluated with
GitHub's expression language (the part the action uses: contexts, ==, !=,
&&, ||, !, contains, startsWith, format, join, toJSON, success, always,
failure), `run:` steps run with `bash --noprofile --norc -eo pipefail`
and the GITHUB_* files, and the two `uses:` steps the action has are
played by a directory: actions/cache/restore copies STORE/KEY to the path,
actions/cache/save copies the path to STORE/KEY.  Anything else is an
error, so a new kind of step cannot go untested.

  gh_action.py ACTION_DIR CONFIG.json
  gh_action.py --workflow ACTION_DIR   the action as a reusable workflow
                                       (for actionlint, which checks
                                       workflows: inputs become
                                       workflow_call inputs, the steps one
                                       job's steps)
CONFIG: {"inputs": {...}, "github": {event_name, event, repository, ...},
         "env": {...}, "workspace": DIR, "temp": DIR, "tool_cache": DIR,
         "cache_store": DIR, "result": FILE}
Prints the steps' output as the log; writes {"conclusion", "outputs",
"steps": {id: {"outcome", "outputs"}}} to CONFIG["result"].
"""
import json
import os
import re
import shutil
import subprocess
import sys

import yaml


class ExprError(Exception):
    pass


TOKEN = re.compile(r"""\s*(?:
    (?P<num>-?\d+(?:\.\d+)?)
  | (?P<str>'(?:[^']|'')*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
)""", re.X)


def tokenize(s):
    pos, out = 0, []
    while pos < len(s):
        if s[pos:].strip() == "":
            break
        m = TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise ExprError("cannot read %r at %d" % (s, pos))
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def truthy(v):
    if v is None or v is False:
        return False
    if v == 0 or v == "":
        return False
    return True


def text(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, indent=2)
    return str(v)


def loose_eq(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


class Parser:
    def __init__(self, s, ctx, status):
        self.t = tokenize(s)
        self.i = 0
        self.ctx = ctx
        self.status = status

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self, want=None):
        tok = self.peek()
        if tok[0] is None or (want and tok[1] != want):
            raise ExprError("expected %r, got %r" % (want, tok[1]))
        self.i += 1
        return tok

    def parse(self):
        v = self.or_()
        if self.i != len(self.t):
            raise ExprError("unexpected %r" % (self.peek()[1],))
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            r = self.and_()
            v = v if truthy(v) else r
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            r = self.cmp()
            v = r if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            r = self.unary()
            v = loose_eq(v, r) if op == "==" else not loose_eq(v, r)
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self):
        kind, val = self.take()
        if kind == "num":
            return float(val)
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if val == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind == "name":
            if val in ("true", "false"):
                return val == "true"
            if val == "null":
                return None
            if self.peek()[1] == "(":
                return self.call(val)
            if val not in self.ctx:
                raise ExprError("unknown context %r" % val)
            return self.ctx[val]
        raise ExprError("unexpected %r" % val)

    def postfix(self, v):
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if name == "*":
                    v = list(v.values()) if isinstance(v, dict) else (v or [])
                    v = Star(v)
                    continue
                v = prop(v, name)
            else:
                key = self.or_()
                self.take("]")
                v = prop(v, text(key))
        return v.items if isinstance(v, Star) else v

    def call(self, name):
        self.take("(")
        args = []
        while self.peek()[1] != ")":
            args.append(self.or_())
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        f = name.lower()
        if f == "success":
            return self.status == "success"
        if f == "failure":
            return self.status == "failure"
        if f == "always":
            return True
        if f == "cancelled":
            return False
        if f == "contains":
            hay, needle = args
            if isinstance(hay, list):
                return any(loose_eq(text(x), text(needle)) for x in hay)
            return text(needle).lower() in text(hay).lower()
        if f == "startswith":
            return text(args[0]).lower().startswith(text(args[1]).lower())
        if f == "endswith":
            return text(args[0]).lower().endswith(text(args[1]).lower())
        if f == "format":
            return re.sub(r"\{(\d+)\}", lambda m: text(args[1 + int(m.group(1))]), args[0])
        if f == "join":
            sep = text(args[1]) if len(args) > 1 else ","
            return sep.join(text(x) for x in (args[0] or []))
        if f == "tojson":
            return json.dumps(args[0], indent=2)
        if f == "fromjson":
            return json.loads(args[0])
        raise ExprError("unknown function %r" % name)


class Star:
    def __init__(self, items):
        self.items = items


def prop(v, name):
    if isinstance(v, Star):
        return Star([x for x in (prop(i, name) for i in v.items) if x is not None])
    if isinstance(v, dict):
        for k in v:
            if k.lower() == name.lower():
                return v[k]
    return None


def evaluate(expr, ctx, status="success"):
    return Parser(expr, ctx, status).parse()


def interpolate(s, ctx):
    if not isinstance(s, str):
        return text(s)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text(evaluate(m.group(1), ctx)), s)


def condition(cond, ctx, status):
    if cond is None:
        return status == "success"
    cond = str(cond).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", cond, re.S)
    if m:
        cond = m.group(1)
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", cond):
        cond = "success() && (%s)" % cond
    return truthy(evaluate(cond, ctx, status))


def read_kv(path):
    out, lines = {}, open(path).read().split("\n") if os.path.exists(path) else []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            k, delim = line.split("<<", 1)
            val = []
            while i < len(lines) and lines[i] != delim:
                val.append(lines[i])
                i += 1
            i += 1
            out[k] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def as_workflow(action_dir):
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
    inputs = {k: {"type": "string", "default": v.get("default", ""),
                  "description": v.get("description", "")}
              for k, v in (action.get("inputs") or {}).items()}
    for v in inputs.values():
        # A workflow_call default cannot use the github context; the
        # action's `${{ github.token }}` is linted where it is used.
        if "${{" in v["default"]:
            v["default"] = ""
    steps = action["runs"]["steps"]
    wf = {"name": action["name"],
          "on": {"workflow_call": {"inputs": inputs,
                                   "outputs": {k: {"value": "${{ jobs.action.outputs.%s }}" % k,
                                                   "description": v.get("description", "")}
                                               for k, v in (action.get("outputs") or {}).items()}}},
          "jobs": {"action": {"runs-on": "ubuntu-latest",
                              "outputs": {k: v["value"] for k, v in
                                          (action.get("outputs") or {}).items()},
                              "steps": steps}}}
    sys.stdout.write(yaml.safe_dump(wf, sort_keys=False, width=1000))


def main():
    if sys.argv[1] == "--workflow":
        return as_workflow(sys.argv[2])
    action_dir, cfg_path = sys.argv[1], sys.argv[2]
    cfg = json.load(open(cfg_path))
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
    if action["runs"]["using"] != "composite":
        raise SystemExit("not a composite action")
    gh = dict(cfg["github"])
    gh.setdefault("action_path", action_dir)
    gh.setdefault("token", "fake-token")
    event_path = os.path.join(cfg["temp"], "event.json")
    json.dump(gh.get("event", {}), open(event_path, "w"))
    inputs = {}
    ctx = {"github": gh, "runner": {"os": "Linux", "arch": "X64",
                                    "temp": cfg["temp"], "tool_cache": cfg["tool_cache"]},
           "env": cfg.get("env", {}), "steps": {}, "inputs": inputs}
    for name, spec in (action.get("inputs") or {}).items():
        given = cfg["inputs"].get(name)
        inputs[name] = given if given is not None else interpolate(spec.get("default", ""), ctx)
    for name in cfg["inputs"]:
        if name not in inputs:
            raise SystemExit("unknown input %r" % name)
    files = {k: os.path.join(cfg["temp"], "_" + k) for k in ("output", "path", "env", "summary")}
    open(files["summary"], "w").close()
    path_add, env_add = [], {}
    status = "success"
    results = {}
    for n, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", "step%d" % n)
        if not condition(step.get("if"), ctx, status):
            results[sid] = {"outcome": "skipped", "outputs": {}}
            ctx["steps"][sid] = {"outcome": "skipped", "conclusion": "skipped", "outputs": {}}
            print("## skip: %s" % step.get("name", sid), flush=True)
            continue
        print("## run: %s" % step.get("name", sid), flush=True)
        outputs, ok = {}, True
        if "uses" in step:
            w = {k: interpolate(v, ctx) for k, v in (step.get("with") or {}).items()}
            store = os.path.join(cfg["cache_store"], w["key"])
            uses = step["uses"].split("@")[0]
            if uses == "actions/cache/restore":
                hit = os.path.isdir(store)
                if hit:
                    shutil.rmtree(w["path"], ignore_errors=True)
                    shutil.copytree(store, w["path"], symlinks=True)
                outputs = {"cache-hit": "true" if hit else "false"}
                print("cache %s: %s" % ("hit" if hit else "miss", w["key"]), flush=True)
            elif uses == "actions/cache/save":
                if not os.path.isdir(store):
                    shutil.copytree(w["path"], store, symlinks=True)
                print("cache saved: %s" % w["key"], flush=True)
            else:
                raise SystemExit("no stand-in for uses: %s" % step["uses"])
        else:
            if step.get("shell") != "bash":
                raise SystemExit("step %s: shell must be bash" % sid)
            env = dict(os.environ)
            env.update(cfg.get("env", {}))
            env.update(env_add)
            env["PATH"] = ":".join(path_add[::-1] + [env["PATH"]])
            for k in ("output", "path", "env"):
                open(files[k], "w").close()
            env.update({
                "GITHUB_ACTION_PATH": action_dir, "GITHUB_OUTPUT": files["output"],
                "GITHUB_PATH": files["path"], "GITHUB_ENV": files["env"],
                "GITHUB_STEP_SUMMARY": files["summary"], "GITHUB_EVENT_PATH": event_path,
                "GITHUB_EVENT_NAME": gh["event_name"], "GITHUB_REPOSITORY": gh["repository"],
                "GITHUB_WORKSPACE": cfg["workspace"], "GITHUB_ACTIONS": "true", "CI": "true",
                "RUNNER_TEMP": cfg["temp"], "RUNNER_TOOL_CACHE": cfg["tool_cache"],
                "RUNNER_OS": "Linux",
            })
            for k, v in (step.get("env") or {}).items():
                env[k] = interpolate(v, ctx)
            script = os.path.join(cfg["temp"], "_step.sh")
            open(script, "w").write(step["run"])
            rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                                 cwd=cfg["workspace"], env=env, stderr=subprocess.STDOUT)
            sys.stdout.flush()
            ok = rc == 0
            outputs = read_kv(files["output"])
            path_add += [l for l in open(files["path"]).read().split("\n") if l]
            env_add.update(read_kv(files["env"]))
            print("## exit %d" % rc, flush=True)
        outcome = "success" if ok else "failure"
        if not ok:
            status = "failure"
        results[sid] = {"outcome": outcome, "outputs": outputs}
        ctx["steps"][sid] = {"outcome": outcome, "conclusion": outcome, "outputs": outputs}
    outs = {k: interpolate(v.get("value", ""), ctx) for k, v in (action.get("outputs") or {}).items()}
    json.dump({"conclusion": status, "outputs": outs, "steps": results,
               "summary": open(files["summary"]).read()},
              open(cfg["result"], "w"), indent=1)


if __name__ == "__main__":
    main()
