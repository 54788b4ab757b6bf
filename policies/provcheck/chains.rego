# Tekton Chains specifics: what its provenance cannot tell.
package provcheck.chains

import rego.v1

# Chains SLSA v0.2 (`slsa/v1`) copies each step's runtime ImageID and nothing
# of what the step asked for: which registries the build *requested* is not
# in the document. Pass the TaskRun with --with to recover it.
warn contains {"code": "chains.runtime_only", "msg": note.message, "evidence": [note.pointer]} if {
	some note in input.notes
	note.code == "runtime-image-ids-only"
}

# A pinned step whose runtime digest differs: CRI-O dedup, recompression, or
# tampering. A finding for a person to look at, not a verdict.
warn contains {"code": "chains.runtime_digest", "msg": msg, "step": step.name, "task": step.task, "evidence": [step.pointers.declared_image]} if {
	some step in input.steps
	step.corroboration == "mismatch"
	msg := sprintf("declared %s but the runtime reported %s", [step.trusted_reference, step.runtime_image_id])
}
