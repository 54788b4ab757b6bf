# builder.allowed. Enabled by data.builders.allow.
package provcheck.builders

import rego.v1

# The section's effective_on, which every result carries: null when the
# section has none, undefined when there is no section (the rule is off).
# (`data.builders` directly: `object.get(data, …)` would evaluate every rule
# under `data`.)
effective_on := data.builders.effective_on if data.builders.effective_on

else := null if data.builders != null

deny contains {"code": "builder.allowed", "msg": msg, "effective_on": on} if {
	on := effective_on
	input.builder_id != null
	not input.builder_id in {b | some b in data.builders.allow}
	msg := sprintf("builder id %s is not allowed", [input.builder_id])
}

unknown contains {"code": "builder.allowed", "msg": "the document records no builder id", "effective_on": on} if {
	on := effective_on
	input.builder_id == null
}
