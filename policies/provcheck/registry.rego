# registry.allowed, as DESIGN.md's tri-state table says. Configured by
# data.registry.{allow, deny, accept_tags} — the same keys as a native policy
# file, so `--policy-data policy.yaml` drives both.
package provcheck.registry

import rego.v1

import data.provcheck_lib as lib

# `data.registry` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.registry if data.registry != null

else := {}

# Allow and deny entries, normalized as the native rule does, with their
# boundary: `quay.io/acme/` is a prefix of `quay.io/acme/tool/` but never of
# `quay.io/acme-evil/`. (The normalization is provcheck's builtin; calling it
# through lib.normalize_prefix costs a user-function call per entry.)
allow_slashed := {concat("", [provcheck_normalize_prefix(p), "/"]) | some p in object.get(config, "allow", [])}

deny_slashed := {concat("", [provcheck_normalize_prefix(p), "/"]) | some p in object.get(config, "deny", [])}

configured if count(allow_slashed) + count(deny_slashed) > 0

# Steps whose declared repository is under a deny prefix, or is one: with a
# "/" appended, a repository starts with a slashed prefix exactly then. The
# prefixes are bound to a local first: a rule referenced inside the loop
# would be looked up on every step.
denied := {i | some i, r in lib.repository; strings.any_prefix_match(concat("", [r, "/"]), prefixes)} if {
	prefixes := deny_slashed
}

# Steps whose declared repository is allowed and not denied.
allowed := {i | some i, _ in lib.repository} - denied if count(allow_slashed) == 0

else := {i | some i, r in lib.repository; strings.any_prefix_match(concat("", [r, "/"]), prefixes)} - denied if {
	prefixes := allow_slashed
}

# Every result carries the section's effective_on (null when it has none).
effective_on := config.effective_on if config.effective_on

else := null

# Result objects are written inline (a function call per result costs ten
# times an object literal in regorus), from the step bound once.

# A trusted reference outside the allowed registries (or denied).
deny contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": [s.pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.pinned - allowed
	s := input.steps[i]
	msg := sprintf("%s is not in an allowed registry", [s.trusted_reference])
}

# Declared by tag: the request itself named a disallowed place.
deny contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": [s.pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.unpinned - allowed
	s := input.steps[i]
	msg := sprintf("declared %s (unpinned) is not in an allowed registry", [s.declared.reference])
}

# Declared by tag from an allowed place: content not identified.
unknown contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": [s.pointers.declared_image], "effective_on": effective_on} if {
	configured
	not object.get(config, "accept_tags", false)
	some i in lib.unpinned & allowed
	s := input.steps[i]
	msg := sprintf("declared %s is in an allowed place but not pinned by digest", [s.declared.reference])
}

# No usable declared image: the runtime ImageID is never trusted.
unknown contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": [s.pointers.declared_image], "effective_on": effective_on} if {
	configured
	some i in lib.undeclared | lib.invalid
	s := input.steps[i]
	msg := sprintf("no usable declared image (%s): a runtime ImageID is never trusted", [s.trust.reason])
}
