# Helpers shared by the starter pack. Not a `provcheck.` package: it reports
# nothing itself.
package provcheck_lib

import rego.v1

# Whether a first path component names a registry, as distribution/reference
# decides: localhost, or it holds "." or ":", or upper case.
domain_like(first) if contains(first, ".")

domain_like(first) if contains(first, ":")

domain_like(first) if first == "localhost"

domain_like(first) if lower(first) != first

# An allow/deny entry normalized as the native registry.allowed rule does:
# "alpine" and "docker.io/alpine" → "docker.io/library/alpine";
# "docker.io/library" and "acme/" (trailing "/") are Docker Hub namespaces;
# "index.docker.io" → "docker.io"; hosts lowercased.
normalize_prefix(entry) := joined(dp[0], official(dp[0], dp[1], namespace)) if {
	namespace := endswith(entry, "/")
	text := trim_right(entry, "/")
	parts := split(text, "/")
	dp := domain_and_path(text, parts, namespace)
}

domain_and_path(text, parts, namespace) := [lower(text), ""] if {
	count(parts) == 1
	domain_like(parts[0])
} else := ["docker.io", text] if {
	count(parts) == 1
	namespace
} else := ["docker.io", concat("", ["library/", text])] if {
	count(parts) == 1
} else := [canonical_domain(lower(parts[0])), concat("/", array.slice(parts, 1, count(parts)))] if {
	domain_like(parts[0])
} else := ["docker.io", text]

canonical_domain(d) := "docker.io" if d == "index.docker.io"

else := d

official(domain, path, namespace) := concat("", ["library/", path]) if {
	domain == "docker.io"
	path != ""
	not contains(path, "/")
	not namespace
	path != "library"
} else := path

joined(domain, path) := domain if path == ""

else := concat("/", [domain, path])

# Whether repository `repo` lies under prefix `p`, on a path-component boundary.
under(repo, p) if repo == p

under(repo, p) if startswith(repo, concat("", [p, "/"]))

# The declared repository of a step, host lowercased ("" when not declared).
repository(step) := lower(step.declared.repository) if step.declared.repository

else := ""

# A result object for a step.
result(code, step, msg) := {
	"code": code,
	"msg": msg,
	"step": step.name,
	"task": object.get(step, "task", null),
	"evidence": [p | some p in [object.get(step, ["pointers", "declared_image"], null)]; p != null],
}

# The same, carrying the section's effective_on when it has one.
effective(r, section) := object.union(r, {"effective_on": section.effective_on}) if section.effective_on

else := r
