# registry.allowed, as the allowed-registries table (docs/src/concepts.md) says. Configured by
# data.registry.{allow, deny, accept_tags} — the same keys as a native policy
# file, so `--policy-data policy.yaml` drives both.
package provcheck.registry

import rego.v1

# What the configuration says about this document's steps, worked out once;
# undefined when neither list has an entry (the rule then reports nothing).
#
# Entries match as the native rule matches them, by provcheck's builtin
# `provcheck_steps_under(steps, entries)`: the indexes of the steps whose
# declared repository lies under an entry, on a path-component boundary
# (`quay.io/acme` covers `quay.io/acme/tool`, never `quay.io/acme-evil`),
# with entries normalized (`alpine` is `docker.io/library/alpine`). One call
# per list judges every step (`provcheck_steps_denied` for the deny list: an
# entry without a port covers its host on every port, as natively); regorus
# charges a builtin call or two per step
# when the matching is written out in Rego. (A single rule rather than one
# per fact: each rule costs as much as several expressions.)
settings := {"allowed": allowed, "allowed_resolved": allowed_resolved, "accept_tags": accept_tags, "effective_on": effective_on} if {
	# `data.registry` directly: `object.get(data, …)` would evaluate every
	# rule under `data`. Absent or null, the rule is off.
	config := data.registry
	config != null
	# Each list read by iterating it, so a list that is not a collection
	# (`allow: ""`) is an error, never an empty list that turns the rule off.
	allow := [p | some p in object.get(config, "allow", [])]
	deny := [p | some p in object.get(config, "deny", [])]
	count(allow) + count(deny) > 0

	# The entries are checked even when the input has no steps.
	steps := object.get(input, "steps", [])

	# No allow list: every declared step is allowed unless denied.
	anything := {i | count(allow) == 0; steps[i].declared.repository}
	allowed := (anything | provcheck_steps_under(steps, allow)) - provcheck_steps_denied(steps, deny)
	accept_tags := object.get(config, "accept_tags", false)

	# The images a builder resolved (BuildKit materials), as the facts the
	# builtin reads: indexes into `images`, `resolved[k]` the material's.
	images := [{"declared": {"repository": object.get(input.materials[j], ["image", "repository"], null)}} | some j in resolved]
	anything_resolved := {k | count(allow) == 0; images[k].declared.repository}
	allowed_resolved := (anything_resolved | provcheck_steps_under(images, allow)) - provcheck_steps_denied(images, deny)

	# Every result carries the section's effective_on (null when it has none).
	effective_on := object.get(config, "effective_on", null)
}

# The materials that name an image the builder resolved, in order.
resolved := data.provcheck_lib.resolved

# Result objects are written inline (a function call per result costs ten
# times an object literal in regorus), from the step bound once.

# A trusted reference outside the allowed registries (or denied).
deny contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": cfg.effective_on} if {
	cfg := settings
	some i in data.provcheck_lib.by_status.pinned - cfg.allowed
	s := input.steps[i]
	msg := sprintf("%s is not in an allowed registry", [s.trusted_reference])
}

# Declared by tag: the request itself named a disallowed place.
deny contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": cfg.effective_on} if {
	cfg := settings
	some i in data.provcheck_lib.by_status.unpinned - cfg.allowed
	s := input.steps[i]
	msg := sprintf("declared %s (unpinned) is not in an allowed registry", [s.declared.reference])
}

# Declared by tag from an allowed place: content not identified.
unknown contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": cfg.effective_on} if {
	cfg := settings
	not cfg.accept_tags
	some i in data.provcheck_lib.by_status.unpinned & cfg.allowed
	s := input.steps[i]
	msg := sprintf("declared %s is in an allowed place but not pinned by digest", [s.declared.reference])
}

# No usable declared image: the runtime ImageID is never trusted.
unknown contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": cfg.effective_on} if {
	cfg := settings
	steps := data.provcheck_lib.by_status
	some i in object.get(steps, "undeclared", set()) | object.get(steps, "invalid", set())
	s := input.steps[i]
	msg := sprintf("no usable declared image (%s): a runtime ImageID is never trusted", [s.trust.reason])
}

# An image the builder resolved (a BuildKit material) is judged by the
# reference the build requested: pinned when it names a digest. The digest
# the builder resolved it to never stands in for a pin.
requested(k) := m if {
	m := input.materials[resolved[k]]
}

# Requested by digest: its trusted reference is outside the allowed registries.
deny contains {"code": "registry.allowed", "msg": msg, "evidence": [m.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	some k, _ in resolved
	not k in cfg.allowed_resolved
	m := requested(k)
	is_string(m.image.trusted_reference)
	msg := sprintf("%s is not in an allowed registry", [m.image.trusted_reference])
}

# Requested by tag: the request itself named a disallowed place.
deny contains {"code": "registry.allowed", "msg": msg, "evidence": [m.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	some k, _ in resolved
	not k in cfg.allowed_resolved
	m := requested(k)
	is_string(m.image.reference)
	not is_string(m.image.trusted_reference)
	msg := sprintf("requested %s (unpinned) is not in an allowed registry", [m.image.reference])
}

unknown contains {"code": "registry.allowed", "msg": msg, "evidence": [m.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	not cfg.accept_tags
	some k in cfg.allowed_resolved
	m := requested(k)
	is_string(m.image.reference)
	not is_string(m.image.trusted_reference)
	msg := sprintf("requested %s is in an allowed place but not pinned by digest", [m.image.reference])
}

unknown contains {"code": "registry.allowed", "msg": msg, "evidence": [m.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	some k, _ in resolved
	m := requested(k)
	not is_string(m.image.reference)
	msg := sprintf("the requested image is not usable: %s", [object.get(m.image, "problem", "no reference recorded")])
}

# A step that would pass, joined with a run that contradicts the
# attestation's runtime ImageID: unknown at best.
unknown contains {"code": "registry.allowed", "msg": msg, "step": s.name, "task": s.task, "evidence": data.provcheck_lib.step_evidence(s), "effective_on": cfg.effective_on} if {
	cfg := settings
	some i in data.provcheck_lib.contradicted
	i in cfg.allowed
	passing := data.provcheck_lib.by_status.pinned | {j | cfg.accept_tags; some j in data.provcheck_lib.by_status.unpinned}
	i in passing
	s := input.steps[i]
	msg := sprintf("%s is allowed, but the run given with --with reports another runtime ImageID than the attestation: it may not be the run attested", [s.declared.reference])
}

# An image no rule can judge (a local OCI layout, an unknown producer's
# convention).
unknown contains {"code": "registry.allowed", "msg": m.msg, "evidence": [m.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	some m in data.provcheck_lib.unjudged_materials
}

# Nothing to judge: the registries this build pulled from are not recorded,
# and a rule that judged nothing must not let the verdict pass.
unknown contains {"code": "registry.allowed", "msg": msg, "evidence": [], "effective_on": cfg.effective_on} if {
	cfg := settings
	count(object.get(input, "steps", [])) == 0
	count(resolved) == 0
	count(data.provcheck_lib.unjudged_materials) == 0
	msg := "no step and no image the builder resolved: the registries this build pulled from are not recorded"
}

# A place the document names but provcheck cannot judge (a task by
# reference, a custom task, a duplicate task name, a runtime image no step
# declares …): not judged, so the document cannot pass on what was.
unknown contains {"code": "registry.allowed", "msg": msg, "evidence": [n.pointer], "effective_on": cfg.effective_on} if {
	cfg := settings
	some n in data.provcheck_lib.unjudged
	msg := sprintf("not judged: %s", [n.message])
}

# A registry section that lists nothing would check nothing: unknown, never
# a silent pass (the native policy file refuses such a section).
unknown contains {"code": "registry.allowed", "msg": msg, "evidence": [], "effective_on": object.get(config, "effective_on", null)} if {
	config := data.registry
	config != null
	not settings
	msg := "the registry section lists no allowed or denied registry: it checks nothing"
}
