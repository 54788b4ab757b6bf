# registry.allowed, as DESIGN.md's tri-state table says. Configured by
# data.registry.{allow, deny, accept_tags} — the same keys as a native policy
# file, so `--policy-data policy.yaml` drives both.
package provcheck.registry

import rego.v1

import data.provcheck_lib as lib

# `data.registry` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.registry if data.registry != null

else := {}

allow_prefixes := {lib.normalize_prefix(p) | some p in object.get(config, "allow", [])}

deny_prefixes := {lib.normalize_prefix(p) | some p in object.get(config, "deny", [])}

# With their boundary: `startswith(repo, "quay.io/acme/")` never matches acme-evil.
allow_slashed := {concat("", [p, "/"]) | some p in allow_prefixes}

deny_slashed := {concat("", [p, "/"]) | some p in deny_prefixes}

configured if count(allow_prefixes) + count(deny_prefixes) > 0

# Steps whose declared repository is under a deny prefix (equal, or below it).
denied := {i | some i, r in lib.repository; r in deny_prefixes} | {i |
	some i, r in lib.repository
	strings.any_prefix_match(r, deny_slashed)
}

# Steps whose declared repository is allowed and not denied.
allowed := {i | some i, _ in lib.repository} - denied if count(allow_prefixes) == 0

else := ({i | some i, r in lib.repository; r in allow_prefixes} | {i |
	some i, r in lib.repository
	strings.any_prefix_match(r, allow_slashed)
}) - denied

# Every result carries the section's effective_on (null when it has none).
effective_on := config.effective_on if config.effective_on

else := null

# Result objects are written inline: a function call per result costs ten
# times an object literal in regorus.

# A trusted reference outside the allowed registries (or denied).
deny contains {"code": "registry.allowed", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.pinned - allowed
	msg := sprintf("%s is not in an allowed registry", [input.steps[i].trusted_reference])
}

# Declared by tag: the request itself named a disallowed place.
deny contains {"code": "registry.allowed", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.unpinned - allowed
	msg := sprintf("declared %s (unpinned) is not in an allowed registry", [input.steps[i].declared.reference])
}

# Declared by tag from an allowed place: content not identified.
unknown contains {"code": "registry.allowed", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	configured
	not object.get(config, "accept_tags", false)
	some i in lib.unpinned & allowed
	msg := sprintf("declared %s is in an allowed place but not pinned by digest", [input.steps[i].declared.reference])
}

# No usable declared image: the runtime ImageID is never trusted.
unknown contains {"code": "registry.allowed", "msg": msg, "step": input.steps[i].name, "task": input.steps[i].task, "evidence": [input.steps[i].pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.undeclared | lib.invalid
	msg := sprintf("no usable declared image (%s): a runtime ImageID is never trusted", [input.steps[i].trust.reason])
}
