# Helpers and per-evaluation facts shared by the starter pack. Not a
# `provcheck.` package: it reports nothing itself.
#
# Speed: regorus charges thousands of instructions per builtin or function
# call, so the per-step facts below are computed once per evaluation, as
# sets of step indexes, and the rules iterate only the steps they report.
# The packs name these facts by their full path (`data.provcheck_lib.…`):
# through an import alias each use costs another lookup.
package provcheck_lib

import rego.v1

# An allow/deny entry normalized exactly as the native registry.allowed rule
# does ("alpine" → "docker.io/library/alpine", "docker.io/library" and "acme/"
# are Docker Hub namespaces, hosts lowercased), by provcheck's builtin.
normalize_prefix(entry) := provcheck_normalize_prefix(entry)

# Whether repository `repo` lies under prefix `p`, on a path-component boundary.
under(repo, p) if repo == p

under(repo, p) if startswith(repo, concat("", [p, "/"]))

# Step indexes by trust status, in one pass over the steps:
# `by_status.pinned`, `.unpinned`, `.undeclared`, `.invalid` (a status no
# step has is absent). Every rule in this module is evaluated when the
# module is first referenced, so it holds this one fact and functions.
by_status[status] contains i if {
	status := input.steps[i].trust.status
}

# The notes that say a task's images are not in the document (a pipeline
# task by `taskRef`, a child run only referenced): registry.allowed and
# steps.pinned report each as not judged.
unjudged := [n | some n in object.get(input, "notes", []); n.code in {"task-by-reference", "child-not-embedded", "declared-by-reference"}]

# The indexes of the materials that name an image a builder resolved
# (BuildKit), in order: registry.allowed and steps.pinned judge them.
resolved := [j | some j, m in object.get(input, "materials", []); object.get(m, ["image", "origin"], null) == "resolved"]

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
