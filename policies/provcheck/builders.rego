# builder.allowed. Enabled by data.builders.allow.
package provcheck.builders

import rego.v1

# `data.builders` directly: `object.get(data, …)` would evaluate every rule under `data`.
effective_on := config.effective_on if config.effective_on

else := null

config := data.builders if data.builders != null

else := null

allowed := {b | some b in config.allow}

deny contains {"code": "builder.allowed", "msg": msg, "effective_on": effective_on} if {
	config != null
	input.builder_id != null
	not input.builder_id in allowed
	msg := sprintf("builder id %s is not allowed", [input.builder_id])
}

unknown contains {"code": "builder.allowed", "msg": "the document records no builder id", "effective_on": effective_on} if {
	config != null
	input.builder_id == null
}
