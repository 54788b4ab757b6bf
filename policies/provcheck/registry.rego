# registry.allowed, as DESIGN.md's tri-state table says. Configured by
# data.registry.{allow, deny, accept_tags} — the same keys as a native policy
# file, so `--policy-data policy.yaml` drives both.
#
# Hot path: every per-step fact is a set computed once per evaluation from
# builtins (startswith, concat); user functions are called only on the few
# configured prefixes (regorus's function calls are what cost).
package provcheck.registry

import rego.v1

import data.provcheck_lib as lib

# `data.registry` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.registry if data.registry != null

else := {}

allow_prefixes := {lib.normalize_prefix(p) | some p in object.get(config, "allow", [])}

deny_prefixes := {lib.normalize_prefix(p) | some p in object.get(config, "deny", [])}

# Prefixes with their boundary, for startswith.
allow_slashed := {concat("", [p, "/"]) | some p in allow_prefixes}

deny_slashed := {concat("", [p, "/"]) | some p in deny_prefixes}

configured if count(allow_prefixes) + count(deny_prefixes) > 0

extra := {"effective_on": config.effective_on} if config.effective_on

else := {}

# Declared repository of step i, host lowercased (paths are lowercase already).
repo[i] := lower(s.declared.repository) if {
	some i, s in input.steps
	s.declared.repository
}

denied contains i if {
	some i, r in repo
	r in deny_prefixes
}

denied contains i if {
	some i, r in repo
	some p in deny_slashed
	startswith(r, p)
}

allowed contains i if {
	count(allow_prefixes) == 0
	some i, _ in repo
	not denied[i]
}

allowed contains i if {
	some i, r in repo
	r in allow_prefixes
	not denied[i]
}

allowed contains i if {
	some i, r in repo
	some p in allow_slashed
	startswith(r, p)
	not denied[i]
}

result(s, msg) := object.union(
	{
		"code": "registry.allowed", "msg": msg, "step": s.name, "task": object.get(s, "task", null),
		"evidence": [p | p := object.get(s, ["pointers", "declared_image"], null); p != null],
	},
	extra,
)

# A trusted reference outside the allowed registries (or denied).
deny contains result(s, msg) if {
	configured
	some i, s in input.steps
	s.trusted_reference != null
	not allowed[i]
	msg := sprintf("%s is not in an allowed registry", [s.trusted_reference])
}

# Declared by tag: the request itself named a disallowed place.
deny contains result(s, msg) if {
	configured
	some i, s in input.steps
	s.trust.status == "unpinned"
	not allowed[i]
	msg := sprintf("declared %s (unpinned) is not in an allowed registry", [s.declared.reference])
}

# Declared by tag from an allowed place: content not identified.
unknown contains result(s, msg) if {
	configured
	not object.get(config, "accept_tags", false)
	some i, s in input.steps
	s.trust.status == "unpinned"
	allowed[i]
	msg := sprintf("declared %s is in an allowed place but not pinned by digest", [s.declared.reference])
}

# No usable declared image: the runtime ImageID is never trusted.
unknown contains result(s, msg) if {
	configured
	some s in input.steps
	s.trust.status in {"undeclared", "invalid"}
	msg := sprintf("no usable declared image (%s): a runtime ImageID is never trusted", [s.trust.reason])
}
