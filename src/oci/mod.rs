//! The OCI vocabulary every stage shares: content digests, image
//! references (`registry/repository:tag@digest`) and the ImageIDs container
//! runtimes report. Parsing only: nothing here judges.

pub mod digest;
pub mod image_id;
pub mod image_ref;
