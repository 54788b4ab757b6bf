package provcheck.registry_test

import rego.v1

import data.provcheck.registry

digest := "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

# A step as `provcheck normalize` writes it.
step(status, registry_host, repository, reference, trusted) := {
	"name": "s",
	"task": "t",
	"declared_image": reference,
	"declared": {"registry": registry_host, "repository": repository, "reference": reference},
	"trusted_reference": trusted,
	"trust": {"status": status, "reason": "r"},
	"pointers": {"declared_image": "/status/taskSpec/steps/0/image"},
}

pinned(repo) := step("pinned", split(repo, "/")[0], repo, concat("@", [repo, digest]), concat("@", [repo, digest]))

tagged(repo) := step("unpinned", split(repo, "/")[0], repo, concat(":", [repo, "v1"]), null)

cfg := {"allow": ["quay.io/acme"], "deny": ["quay.io/acme/legacy"]}

codes(set) := {r.code | some r in set}

test_trusted_reference_allowed_passes if {
	count(registry.deny) == 0 with input as {"steps": [pinned("quay.io/acme/tool")]} with data.registry as cfg
	count(registry.unknown) == 0 with input as {"steps": [pinned("quay.io/acme/tool")]} with data.registry as cfg
}

test_trusted_reference_not_allowed_fails if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("docker.io/acme/tool")]} with data.registry as cfg
}

test_trusted_reference_denied_fails if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("quay.io/acme/legacy/x")]} with data.registry as cfg
}

test_a_prefix_itself_is_under_it if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("quay.io/acme/legacy")]} with data.registry as cfg
	count(registry.deny) == 0 with input as {"steps": [pinned("quay.io/acme")]} with data.registry as cfg
}

test_path_component_boundary if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("quay.io/acme-evil/tool")]} with data.registry as cfg
}

test_tag_from_disallowed_place_fails if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [tagged("quay.io/other/tool")]} with data.registry as cfg
}

test_tag_from_allowed_place_is_unknown if {
	count(registry.deny) == 0 with input as {"steps": [tagged("quay.io/acme/tool")]} with data.registry as cfg
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [tagged("quay.io/acme/tool")]} with data.registry as cfg
}

test_accept_tags_passes_allowed_tags if {
	count(registry.unknown) == 0 with input as {"steps": [tagged("quay.io/acme/tool")]}
		with data.registry as object.union(cfg, {"accept_tags": true})
}

test_runtime_only_is_unknown if {
	s := {"name": "s", "task": null, "declared": null, "trusted_reference": null, "trust": {"status": "undeclared", "reason": "r"}, "pointers": {"declared_image": null}}
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [s]} with data.registry as cfg
}

test_unconfigured_reports_nothing if {
	count(registry.deny) + count(registry.unknown) == 0 with input as {"steps": [pinned("evil.io/x")]} with data.registry as null
}

# An image a builder resolved, as `provcheck normalize` writes a BuildKit material.
resolved(reference, repository) := {
	"uri": reference,
	"digest": {"sha256": "bbbb"},
	"image": {"origin": "resolved", "reference": reference, "repository": repository, "trusted_reference": trusted(reference)},
	"pointer": "/predicate/materials/0",
}

# The requested reference's pin: the reference itself when it names a
# (sha256) digest, as the Evidence writes it.
trusted(reference) := reference if contains(reference, "@sha256:")

else := null

test_requested_by_digest_from_allowed_place_passes if {
	m := resolved(concat("@", ["quay.io/acme/tool", digest]), "quay.io/acme/tool")
	count(registry.deny) + count(registry.unknown) == 0 with input as {"steps": [], "materials": [m]} with data.registry as cfg
}

test_requested_by_digest_outside_fails if {
	m := resolved(concat("@", ["quay.io/acme-evil/tool", digest]), "quay.io/acme-evil/tool")
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [], "materials": [m]} with data.registry as cfg
}

test_requested_by_tag_is_unknown_even_when_resolved if {
	m := resolved("quay.io/acme/tool:v1", "quay.io/acme/tool")
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [], "materials": [m]} with data.registry as cfg
	count(registry.deny) == 0 with input as {"steps": [], "materials": [m]} with data.registry as cfg
}

test_requested_by_tag_outside_fails if {
	m := resolved("docker.io/library/alpine:3.20", "docker.io/library/alpine")
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [], "materials": [m]} with data.registry as cfg
}

test_a_copied_runtime_image_id_is_not_judged_as_requested if {
	m := object.union(resolved("quay.io/acme-evil/tool:v1", "quay.io/acme-evil/tool"), {"image": {"origin": "runtime-image-id"}})
	count(registry.deny) == 0 with input as {"steps": [pinned("quay.io/acme/tool")], "materials": [m]} with data.registry as cfg
}

test_nothing_to_judge_is_unknown_never_a_pass if {
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [], "materials": []} with data.registry as cfg
	count(registry.unknown) == 0 with input as {"steps": [], "materials": []} with data.registry as null
}

test_a_place_not_judged_is_unknown if {
	note := {"code": "task-by-reference", "message": "pipeline task \"lint\" references its task", "pointer": "/spec/pipelineSpec/tasks/1/taskRef", "not_judged": true}
	input_doc := {"steps": [pinned("quay.io/acme/tool")], "materials": [], "notes": [note]}
	count(registry.deny) == 0 with input as input_doc with data.registry as cfg
	[u | some u in registry.unknown; u.evidence == ["/spec/pipelineSpec/tasks/1/taskRef"]] != [] with input as input_doc with data.registry as cfg
	other := object.union(note, {"code": "task-not-run", "not_judged": false})
	count(registry.unknown) == 0 with input as object.union(input_doc, {"notes": [other]}) with data.registry as cfg
}

test_a_section_that_lists_nothing_is_unknown if {
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [pinned("quay.io/acme/tool")]} with data.registry as {"allow": []}
	codes(registry.unknown) == {"registry.allowed"} with input as {"steps": [pinned("quay.io/acme/tool")]} with data.registry as {}
}

# A deny entry without a port covers its host on every port, and the
# repository of a step declared through a Docker Hub alias is docker.io's.
test_a_deny_entry_covers_every_port_of_its_host if {
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("quay.io:443/acme/legacy/x")]} with data.registry as {"deny": ["quay.io/acme/legacy"]}
	codes(registry.deny) == {"registry.allowed"} with input as {"steps": [pinned("docker.io:8443/library/alpine")]} with data.registry as {"deny": ["docker.io"]}
	count(registry.deny) == 0 with input as {"steps": [pinned("quay.io:443/acme/tool")]} with data.registry as {"deny": ["quay.io/acme/legacy"]}
}
