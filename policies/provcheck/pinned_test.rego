package provcheck.pinned_test

import rego.v1

import data.provcheck.pinned

s(status, image) := {"name": "s", "task": null, "declared_image": image, "trust": {"status": status, "reason": "r"}, "pointers": {"declared_image": null}}

test_unpinned_fails if {
	count(pinned.deny) == 1 with input as {"steps": [s("unpinned", "alpine:3")]} with data.pinned as {}
}

test_pinned_passes if {
	count(pinned.deny) + count(pinned.unknown) == 0 with input as {"steps": [s("pinned", "alpine@sha256:x")]} with data.pinned as {}
}

test_unresolved_variable_is_unknown if {
	count(pinned.unknown) == 1 with input as {"steps": [s("invalid", "$(params.image)")]} with data.pinned as {}
	count(pinned.deny) == 0 with input as {"steps": [s("invalid", "$(params.image)")]} with data.pinned as {}
}

test_effective_on_is_carried if {
	some r in pinned.deny with input as {"steps": [s("unpinned", "alpine:3")]} with data.pinned as {"effective_on": "2027-01-01"}
	r.effective_on == "2027-01-01"
}

test_disabled_without_config if {
	count(pinned.deny) == 0 with input as {"steps": [s("unpinned", "alpine:3")]}
}
