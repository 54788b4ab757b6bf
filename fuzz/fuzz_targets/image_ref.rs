//! Reference and ImageID parsers: never panic; a parsed reference's
//! normalized form parses back to the same reference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provcheck::normalize::image_id::ImageId;
use provcheck::normalize::image_ref::ImageRef;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(reference) = text.parse::<ImageRef>() {
        let again: ImageRef = reference
            .to_string()
            .parse()
            .expect("a normalized reference parses");
        assert_eq!(again, reference);
    }
    let id = ImageId::parse(text);
    assert_eq!(id.raw, text);
});
