use super::*;
use minicbor::Encoder;
use proptest::prelude::*;

fn state() -> impl Strategy<Value = PresenceState> {
    (
        "\\PC{0,20}",
        "#[0-9a-fA-F]{6}",
        proptest::option::of("[a-z-]{1,20}"),
        proptest::option::of("\\PC{1,40}"),
        proptest::option::of((0u32..5000, 0u32..5000)),
        any::<bool>(),
    )
        .prop_map(
            |(name, color, section, field, caret, presenting)| PresenceState {
                name,
                color,
                section,
                field,
                caret: caret.map(|(a, b)| (a.min(b), a.max(b))),
                presenting,
            },
        )
}

/// Writes one field into a map.
type Write = dyn Fn(&mut Encoder<Vec<u8>>);

proptest! {
    #[test]
    fn presence_round_trips(s in state()) {
        let here = Presence::Here(s);
        prop_assert_eq!(Presence::decode(&here.encode()), Ok(here));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let _ = Presence::decode(&bytes);
    }
}

#[test]
fn leaving_round_trips() {
    assert_eq!(
        Presence::decode(&Presence::Left.encode()),
        Ok(Presence::Left)
    );
}

/// What a JavaScript peer might send: fields in any order, `null` for
/// absent ones, numbers as floats, a backwards selection, extra fields.
#[test]
fn a_javascript_object_decodes() {
    let mut e = Encoder::new(Vec::new());
    e.map(6).expect("vec");
    e.str("caret").and_then(|e| e.array(2)).expect("vec");
    e.f64(7.0).and_then(|e| e.u8(3)).expect("vec");
    e.str("section").and_then(|e| e.null()).expect("vec");
    e.str("color").and_then(|e| e.str("#1D7A46")).expect("vec");
    e.str("name").and_then(|e| e.str("Ana")).expect("vec");
    e.str("cursor").and_then(|e| e.u8(1)).expect("vec");
    e.str("presenting")
        .and_then(|e| e.bool(false))
        .expect("vec");
    assert_eq!(
        Presence::decode(e.writer()),
        Ok(Presence::Here(PresenceState {
            name: "Ana".into(),
            color: "#1D7A46".into(),
            caret: Some((3, 7)),
            ..PresenceState::default()
        }))
    );
}

#[test]
fn a_colour_that_is_not_a_hex_triplet_is_refused() {
    for bad in ["red", "#12345", "#1234567", "url(x)", "#12345g"] {
        let here = Presence::Here(PresenceState {
            color: bad.into(),
            ..PresenceState::default()
        });
        let err = Presence::decode(&here.encode()).expect_err(bad);
        assert!(err.to_string().contains("color"), "{err}");
    }
}

#[test]
fn over_long_text_and_wrong_types_are_refused() {
    let long = Presence::Here(PresenceState {
        color: "#000000".into(),
        name: "x".repeat(MAX_TEXT + 1),
        ..PresenceState::default()
    });
    assert_eq!(
        Presence::decode(&long.encode()).map_err(|e| e.to_string()),
        Err("field `name` has the wrong type: 201 bytes of text".into())
    );
    let wrong: [&Write; 3] = [
        &|e| drop(e.str("presenting").and_then(|e| e.str("yes"))),
        &|e| {
            drop(
                e.str("caret")
                    .and_then(|e| e.array(1))
                    .and_then(|e| e.u8(1)),
            )
        },
        &|e| {
            drop(
                e.str("caret")
                    .and_then(|e| e.array(2))
                    .and_then(|e| e.u64(1 << 40))
                    .and_then(|e| e.u8(1)),
            )
        },
    ];
    for write in wrong {
        let mut e = Encoder::new(Vec::new());
        let _ = e.map(1);
        write(&mut e);
        assert!(Presence::decode(e.writer()).is_err());
    }
}
