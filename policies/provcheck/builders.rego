# builder.allowed. Enabled by data.builders.allow.
package provcheck.builders

import rego.v1

import data.provcheck_lib as lib

# `data.builders` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.builders if data.builders != null

else := null

allowed := {b | some b in config.allow}

deny contains lib.effective({"code": "builder.allowed", "msg": msg}, config) if {
	config != null
	input.builder_id != null
	not input.builder_id in allowed
	msg := sprintf("builder id %s is not allowed", [input.builder_id])
}

unknown contains lib.effective({"code": "builder.allowed", "msg": "the document records no builder id"}, config) if {
	config != null
	input.builder_id == null
}
