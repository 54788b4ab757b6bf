package provcheck.builders_test

import rego.v1

import data.provcheck.builders

cfg := {"allow": ["https://tekton.dev/chains/v2"]}

test_allowed_builder_passes if {
	count(builders.deny) + count(builders.unknown) == 0 with input as {"builder_id": "https://tekton.dev/chains/v2"} with data.builders as cfg
}

test_other_builder_fails if {
	count(builders.deny) == 1 with input as {"builder_id": "https://evil.example/builder"} with data.builders as cfg
}

test_missing_builder_is_unknown if {
	count(builders.unknown) == 1 with input as {"builder_id": null} with data.builders as cfg
}
