package provcheck.chains_test

import rego.v1

import data.provcheck.chains

test_runtime_only_provenance_warns if {
	count(chains.warn) == 1 with input as {"steps": [], "notes": [{"code": "runtime-image-ids-only", "message": "m", "pointer": "/predicate/buildConfig"}]}
}

test_digest_mismatch_warns if {
	s := {"name": "s", "task": null, "corroboration": "mismatch", "trusted_reference": "a", "runtime_image_id": "b", "pointers": {"declared_image": null}}
	count(chains.warn) == 1 with input as {"steps": [s], "notes": []}
}

test_quiet_on_clean_input if {
	count(chains.warn) == 0 with input as {"steps": [], "notes": []}
}
