# source.matches: the expected repository and ref. Enabled by data.source
# (repository, and ref or tag).
package provcheck.source

import rego.v1

# `data.source` directly: `object.get(data, …)` would evaluate every rule under `data`.
effective_on := config.effective_on if config.effective_on

else := null

config := data.source if data.source != null

else := null

# Repository URIs compare without "git+", a trailing "/" or ".git".
plain(uri) := trim_suffix(trim_right(trim_prefix(lower(uri), "git+"), "/"), ".git")

want_ref := config.ref

want_ref := concat("", ["refs/tags/", config.tag]) if not config.ref

deny contains {"code": "source.matches", "msg": msg, "effective_on": effective_on} if {
	config.repository
	got := input.build_source.repository
	plain(got) != plain(config.repository)
	msg := sprintf("repository %s is not %s", [got, config.repository])
}

deny contains {"code": "source.matches", "msg": msg, "effective_on": effective_on} if {
	want_ref
	got := input.build_source.ref
	got != null
	got != want_ref
	msg := sprintf("ref %s is not %s", [got, want_ref])
}

unknown contains {"code": "source.matches", "msg": "the document records no source", "effective_on": effective_on} if {
	config != null
	not input.build_source.repository
}
