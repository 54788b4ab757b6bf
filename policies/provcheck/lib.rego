# Helpers and per-evaluation facts shared by the starter pack. Not a
# `provcheck.` package: it reports nothing itself.
#
# Speed: regorus charges thousands of instructions per builtin or function
# call, so the per-step facts below are computed once per evaluation, as
# sets of step indexes, and the rules iterate only the steps they report.
# Every rule here is evaluated whenever the module is first referenced.
package provcheck_lib

import rego.v1

# An allow/deny entry normalized exactly as the native registry.allowed rule
# does ("alpine" → "docker.io/library/alpine", "docker.io/library" and "acme/"
# are Docker Hub namespaces, hosts lowercased), by provcheck's builtin.
normalize_prefix(entry) := provcheck_normalize_prefix(entry)

# Whether repository `repo` lies under prefix `p`, on a path-component boundary.
under(repo, p) if repo == p

under(repo, p) if startswith(repo, concat("", [p, "/"]))

# Steps by trust status, as sets of indexes. (Iterating by reference,
# `input.steps[i]`, measured cheaper than `some i, s in input.steps` or a
# status-by-index object.)
pinned := {i | input.steps[i].trust.status == "pinned"}

unpinned := {i | input.steps[i].trust.status == "unpinned"}

undeclared := {i | input.steps[i].trust.status == "undeclared"}

invalid := {i | input.steps[i].trust.status == "invalid"}

# A result object for a step.
result(code, step, msg) := {
	"code": code,
	"msg": msg,
	"step": step.name,
	"task": object.get(step, "task", null),
	"evidence": [p | p := object.get(step, ["pointers", "declared_image"], null); p != null],
}

# The same, carrying the section's effective_on when it has one.
effective(r, section) := object.union(r, {"effective_on": section.effective_on}) if section.effective_on

else := r
