# steps.pinned: every step pinned by digest. Enabled by data.pinned.
package provcheck.pinned

import rego.v1

import data.provcheck_lib as lib

# `data.pinned` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.pinned if data.pinned != null

else := null

# Every result carries the section's effective_on (null when it has none).
effective_on := config.effective_on if config.effective_on

else := null

# Result objects are written inline: a function call per result costs ten
# times an object literal in regorus.

deny contains {"code": "steps.pinned", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	config != null
	some i in lib.unpinned
	s := input.steps[i]
	msg := sprintf("%s is not pinned: %s", [s.declared_image, s.trust.reason])
}

deny contains {"code": "steps.pinned", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	config != null
	some i in lib.invalid
	msg := input.steps[i].trust.reason
	not contains(input.steps[i].declared_image, "$(")
}

unknown contains {"code": "steps.pinned", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	config != null
	some i in lib.invalid
	msg := input.steps[i].trust.reason
	contains(input.steps[i].declared_image, "$(")
}

unknown contains {"code": "steps.pinned", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	config != null
	some i in lib.undeclared
	msg := "no declared image: whether the step was pinned is not recorded"
}
