# source.matches: the expected repository and ref. Enabled by data.source
# (repository, and ref or tag).
package provcheck.source

import rego.v1

# The section's effective_on, which every result carries: null when the
# section has none, undefined when there is no section (the rule is off).
# (`data.source` directly: `object.get(data, …)` would evaluate every rule
# under `data`.)
effective_on := data.source.effective_on if data.source.effective_on

else := null if data.source != null

# Repository URIs compare without "git+", a trailing "/" or ".git".
plain(uri) := trim_suffix(trim_right(trim_prefix(lower(uri), "git+"), "/"), ".git")

want_ref := data.source.ref

want_ref := concat("", ["refs/tags/", data.source.tag]) if not data.source.ref

deny contains {"code": "source.matches", "msg": msg, "effective_on": on} if {
	on := effective_on
	want := data.source.repository
	want
	got := input.build_source.repository
	plain(got) != plain(want)
	msg := sprintf("repository %s is not %s", [got, want])
}

deny contains {"code": "source.matches", "msg": msg, "effective_on": on} if {
	on := effective_on
	want_ref
	got := input.build_source.ref
	got != null
	got != want_ref
	msg := sprintf("ref %s is not %s", [got, want_ref])
}

# What the document records of its source: defined only when not null.
recorded(field) := v if {
	v := input.build_source[field]
	v != null
}

unknown contains {"code": "source.matches", "msg": "the document records no source repository", "effective_on": on} if {
	on := effective_on
	data.source.repository
	not recorded("repository")
}

# A ref is required and the document records none: unknown, as natively
# (never a pass on the repository alone).
unknown contains {"code": "source.matches", "msg": "the document records no source ref", "effective_on": on} if {
	on := effective_on
	want_ref
	not recorded("ref")
}
