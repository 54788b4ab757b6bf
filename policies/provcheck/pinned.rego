# steps.pinned: every step pinned by digest. Enabled by data.pinned.
package provcheck.pinned

import rego.v1

# The section's effective_on, which every result carries: null when the
# section has none, undefined when there is no section (the rule is off).
# One rule for both: each rule costs as much as several expressions.
# (`data.pinned` directly: `object.get(data, …)` would evaluate every rule
# under `data`.)
effective_on := data.pinned.effective_on if data.pinned.effective_on

else := null if data.pinned != null

# Result objects are written inline (a function call per result costs ten
# times an object literal in regorus), from the step bound once.

deny contains {"code": "steps.pinned", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": on} if {
	on := effective_on
	some i in data.provcheck_lib.by_status.unpinned
	s := input.steps[i]
	msg := sprintf("%s is not pinned: %s", [s.declared_image, s.trust.reason])
}

deny contains {"code": "steps.pinned", "msg": s.trust.reason, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": on} if {
	on := effective_on
	some i in data.provcheck_lib.by_status.invalid
	s := input.steps[i]
	not contains(s.declared_image, "$(")
}

unknown contains {"code": "steps.pinned", "msg": s.trust.reason, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": on} if {
	on := effective_on
	some i in data.provcheck_lib.by_status.invalid
	s := input.steps[i]
	contains(s.declared_image, "$(")
}

unknown contains {"code": "steps.pinned", "msg": "no declared image: whether the step was pinned is not recorded", "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": on} if {
	on := effective_on
	some i in data.provcheck_lib.by_status.undeclared
	s := input.steps[i]
}

# The images a builder resolved (BuildKit materials), judged by the
# reference the build requested: the digest the builder resolved a tag to
# never stands in for a pin. (Indexes from the lib: a rule of its own here
# would cost as much as the judging.)
deny contains {"code": "steps.pinned", "msg": msg, "evidence": [m.pointer], "effective_on": on} if {
	on := effective_on
	some j in data.provcheck_lib.resolved
	m := input.materials[j]
	is_string(m.image.reference)
	not is_string(m.image.trusted_reference)
	msg := sprintf("requested %s is not pinned: no digest of a registered algorithm pins it", [m.image.reference])
}

unknown contains {"code": "steps.pinned", "msg": msg, "evidence": [m.pointer], "effective_on": on} if {
	on := effective_on
	some j in data.provcheck_lib.resolved
	m := input.materials[j]
	not is_string(m.image.reference)
	msg := sprintf("the requested image is not usable: %s", [object.get(m.image, "problem", "no reference recorded")])
}

# A pinned step joined with a run that contradicts the attestation's
# runtime ImageID: unknown at best.
unknown contains {"code": "steps.pinned", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": on} if {
	on := effective_on
	some i in data.provcheck_lib.contradicted & data.provcheck_lib.by_status.pinned
	s := input.steps[i]
	msg := sprintf("%s is pinned by digest, but the run given with --with reports another runtime ImageID than the attestation: it may not be the run attested", [s.declared_image])
}

# An image no rule can judge (a local OCI layout, an unknown producer's
# convention).
unknown contains {"code": "steps.pinned", "msg": m.msg, "evidence": [m.pointer], "effective_on": on} if {
	on := effective_on
	some m in data.provcheck_lib.unjudged_materials
}

# Nothing to judge: a rule that judged nothing must not let the verdict pass.
unknown contains {"code": "steps.pinned", "msg": "no step and no image the builder resolved: whether images were pinned is not recorded", "evidence": [], "effective_on": on} if {
	on := effective_on
	count(input.steps) == 0
	count(data.provcheck_lib.resolved) == 0
	count(data.provcheck_lib.unjudged_materials) == 0
}

# A task the document names but does not define: its images are not judged.
unknown contains {"code": "steps.pinned", "msg": msg, "evidence": [n.pointer], "effective_on": on} if {
	on := effective_on
	some n in data.provcheck_lib.unjudged
	msg := sprintf("not judged: %s", [n.message])
}
