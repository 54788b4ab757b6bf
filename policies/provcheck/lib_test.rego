package provcheck_lib_test

import rego.v1

import data.provcheck_lib as lib

test_prefixes_normalize_like_the_native_rule if {
	lib.normalize_prefix("alpine") == "docker.io/library/alpine"
	lib.normalize_prefix("docker.io/alpine") == "docker.io/library/alpine"
	lib.normalize_prefix("index.docker.io/alpine") == "docker.io/library/alpine"
	lib.normalize_prefix("docker.io/library") == "docker.io/library"
	lib.normalize_prefix("acme/") == "docker.io/acme"
	lib.normalize_prefix("acme/tools") == "docker.io/acme/tools"
	lib.normalize_prefix("Quay.IO/acme") == "quay.io/acme"
	lib.normalize_prefix("quay.io") == "quay.io"
	lib.normalize_prefix("localhost:5000") == "localhost:5000"
}

test_under_respects_component_boundaries if {
	lib.under("quay.io/acme/tool", "quay.io/acme")
	lib.under("quay.io/acme", "quay.io/acme")
	not lib.under("quay.io/acme-evil/tool", "quay.io/acme")
	not lib.under("quay.io:443/acme", "quay.io")
}

test_steps_are_indexed_by_status if {
	steps := [
		{"trust": {"status": "pinned"}, "declared": {"repository": "Quay.io/a"}},
		{"trust": {"status": "unpinned"}, "declared": {"repository": "quay.io/b"}},
		{"trust": {"status": "undeclared"}, "declared": null},
	]
	lib.by_status == {"pinned": {0}, "unpinned": {1}, "undeclared": {2}} with input as {"steps": steps}
}

test_steps_under_matches_like_the_native_rule if {
	steps := [
		{"declared": {"repository": "Quay.io/acme/tool"}},
		{"declared": {"repository": "quay.io/acme-evil/tool"}},
		{"declared": {"repository": "docker.io/library/alpine"}},
		{"declared": null},
		{"declared": {"repository": "quay.io/acme"}},
	]
	provcheck_steps_under(steps, ["quay.io/acme"]) == {0, 4}
	provcheck_steps_under(steps, {"alpine", "quay.io/acme-evil"}) == {1, 2}
	provcheck_steps_under(steps, ["quay.io"]) == {0, 1, 4}
	provcheck_steps_under(steps, []) == set()
}
