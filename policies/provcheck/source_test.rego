package provcheck.source_test

import rego.v1

import data.provcheck.source

doc := {"build_source": {"repository": "git+https://github.com/acme/app.git", "ref": "refs/heads/main"}}

test_same_repository_and_ref_pass if {
	count(source.deny) + count(source.unknown) == 0 with input as doc
		with data.source as {"repository": "https://github.com/acme/app", "ref": "refs/heads/main"}
}

test_tag_expectation_fails_on_a_branch if {
	count(source.deny) == 1 with input as doc with data.source as {"tag": "v1.2.3"}
}

test_other_repository_fails if {
	count(source.deny) == 1 with input as doc with data.source as {"repository": "https://github.com/evil/app"}
}

test_missing_source_is_unknown if {
	count(source.unknown) == 1 with input as {"build_source": null} with data.source as {"repository": "x"}
}

test_a_false_repository_checks_nothing if {
	count(source.deny) + count(source.unknown) == 0 with input as doc with data.source as {"repository": false}
}

test_a_required_ref_the_document_does_not_record_is_unknown if {
	no_ref := {"build_source": {"repository": "https://github.com/acme/app"}}
	count(source.deny) == 0 with input as no_ref with data.source as {"repository": "https://github.com/acme/app", "ref": "refs/heads/main"}
	count(source.unknown) == 1 with input as no_ref with data.source as {"repository": "https://github.com/acme/app", "ref": "refs/heads/main"}
}
