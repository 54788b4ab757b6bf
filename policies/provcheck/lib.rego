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

# The notes that mark a place naming an image or a unit of work provcheck
# cannot judge (`"not_judged": true`: a task by reference, a custom task, a
# duplicate task name, a runtime image no step declares …): registry.allowed
# and steps.pinned report each as not judged, as the native rules do.
unjudged := [n | some n in object.get(input, "notes", []); object.get(n, "not_judged", false)]

# The indexes of the materials that name an image a builder resolved
# (BuildKit), in order: registry.allowed and steps.pinned judge them.
resolved := [j | some j, m in object.get(input, "materials", []); object.get(m, ["image", "origin"], null) == "resolved"]

# The materials whose image no rule can judge: an image from a local OCI
# layout, or one a producer of unknown convention recorded.
unjudged_materials := [{"pointer": m.pointer, "msg": msg} |
	some m in object.get(input, "materials", [])
	origin := object.get(m, ["image", "origin"], null)
	what := object.get(m, "uri", "(no uri)")
	msg := material_msg(origin, what)
]

material_msg("oci-layout", what) := sprintf("not judged: %s is an image from a local OCI layout, which names no registry", [what])

material_msg("unspecified", what) := sprintf("not judged: %s is recorded by a producer whose convention provcheck does not know (whether it was requested or ran is not said)", [what])

# The steps joined with a run (`--with`) whose runtime ImageID contradicts
# the attestation's: the run may not be the one attested, so nothing it
# declared makes the step pass (unknown at best).
contradicted contains i if {
	input.steps[i].joined.runtime_agreement == "disagree"
}

# Every place a step stands for, as the native rules cite it: its declared
# image, its runtime ImageID, the pipeline task and the child run that
# define it, its entries that name no image, and the materials that copy its
# runtime image.
step_evidence(s) := array.concat(
	array.concat(
		[p | some p in [s.pointers.declared_image, s.pointers.runtime_image_id, object.get(s.pointers, "task", null), object.get(s.pointers, "run", null)]; p != null],
		object.get(s.pointers, "entries", []),
	),
	object.get(s.pointers, "materials", []),
)

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
