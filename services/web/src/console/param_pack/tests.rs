use super::*;

/// What Splatoon (USA) on a Wii U in the United States sends.
const WII_U: &str = "XHRpdGxlX2lkXDE0MDczNzUxNTM1MjI5NDRcYWNjZXNzX2tleVwxMDk0OTIxNDMyXHBsYXRmb3JtX2lkXDFccmVnaW9uX2lkXDJcbGFuZ3VhZ2VfaWRcMVxjb3VudHJ5X2lkXDQ5XGFyZWFfaWRcNlxuZXR3b3JrX3Jlc3RyaWN0aW9uXDBcZnJpZW5kX3Jlc3RyaWN0aW9uXDBccmF0aW5nX3Jlc3RyaWN0aW9uXDE3XHJhdGluZ19vcmdhbml6YXRpb25cMVx0cmFuc2ZlcmFibGVfaWRcMTIzODU4MTIzMDQ2NTgwMTQyMTBcdHpfbmFtZVxBbWVyaWNhL05ld19Zb3JrXHV0Y19vZmZzZXRcLTE4MDAwXA==";

/// What Mario Kart 7 (USA) on a 3DS in France sends.
const N3DS: &str = "XHRpdGxlX2lkXDExMjU4OTk5MDcwNDEyODBcYWNjZXNzX2tleVwwXHBsYXRmb3JtX2lkXDBccmVnaW9uX2lkXDRcbGFuZ3VhZ2VfaWRcMlxjb3VudHJ5X2lkXDc3XGFyZWFfaWRcMFxuZXR3b3JrX3Jlc3RyaWN0aW9uXDBcZnJpZW5kX3Jlc3RyaWN0aW9uXDBccmF0aW5nX3Jlc3RyaWN0aW9uXDE4XHJhdGluZ19vcmdhbml6YXRpb25cMlx0cmFuc2ZlcmFibGVfaWRcNDcwNzExNjAwMzQ2ODEzMzY4MVx0el9uYW1lXEV1cm9wZS9QYXJpc1x1dGNfb2Zmc2V0XDM2MDBc";

#[test]
fn a_wii_u_param_pack_is_read_field_by_field() {
    let p = parse(WII_U).unwrap();
    assert_eq!(p.title_id, 0x0005_0000_1017_6900);
    assert_eq!(p.title_id_hex(), "0005000010176900");
    assert_eq!(p.platform, Platform::WiiU);
    assert_eq!(p.access_key, Some(1_094_921_432));
    assert_eq!(p.region_id, Some(2));
    assert_eq!(p.language_id, Some(1));
    assert_eq!(p.country_id, Some(49));
    assert_eq!(p.area_id, Some(6));
    assert_eq!(p.network_restriction, Some(0));
    assert_eq!(p.friend_restriction, Some(0));
    assert_eq!(p.rating_restriction, Some(17));
    assert_eq!(p.rating_organization, Some(1));
    assert_eq!(p.transferable_id, Some(12_385_812_304_658_014_210));
    assert_eq!(p.tz_name.as_deref(), Some("America/New_York"));
    assert_eq!(p.utc_offset, Some(-18_000));
}

#[test]
fn a_3ds_param_pack_is_read_field_by_field() {
    let p = parse(N3DS).unwrap();
    assert_eq!(p.title_id_hex(), "0004000000030800");
    assert_eq!(p.platform, Platform::N3ds);
    assert_eq!(p.platform.name(), "3ds");
    assert_eq!(p.language_id, Some(2));
    assert_eq!(p.country_id, Some(77));
    assert_eq!(p.tz_name.as_deref(), Some("Europe/Paris"));
    assert_eq!(p.utc_offset, Some(3600));
}

#[test]
fn encoding_and_parsing_agree() {
    let header = encode(&[("platform_id", "1"), ("title_id", "1407375153522944")]);
    let p = parse(&header).unwrap();
    assert_eq!(p.title_id_hex(), "0005000010176900");
    assert_eq!(p.language_id, None);
}

#[test]
fn unknown_keys_are_ignored_and_empty_values_are_absent() {
    let p = parse(&encode(&[
        ("title_id", "1"),
        ("platform_id", "0"),
        ("remaster_version", "3"),
        ("language_id", ""),
    ]))
    .unwrap();
    assert_eq!(p.title_id, 1);
    assert_eq!(p.language_id, None);
}

#[test]
fn a_missing_header_is_refused() {
    assert_eq!(parse("  ").unwrap_err().code(), "parampack_missing");
}

#[test]
fn text_that_is_not_base64_is_refused() {
    let e = parse("not base64 at all!").unwrap_err();
    assert_eq!(e.code(), "parampack_not_base64");
}

#[test]
fn an_overlong_header_is_refused() {
    let e = parse(&"A".repeat(MAX_LEN + 4)).unwrap_err();
    assert_eq!(e.code(), "parampack_too_long");
}

#[test]
fn text_without_the_backslash_frame_is_refused() {
    let no_frame = STANDARD.encode("title_id\\1\\platform_id\\1");
    assert_eq!(parse(&no_frame).unwrap_err().code(), "parampack_malformed");
    let not_utf8 = STANDARD.encode([b'\\', 0xff, 0xfe, b'\\']);
    assert_eq!(parse(&not_utf8).unwrap_err().code(), "parampack_malformed");
    let empty_key = STANDARD.encode("\\\\1\\title_id\\1\\");
    assert_eq!(parse(&empty_key).unwrap_err().code(), "parampack_malformed");
    let control = STANDARD.encode("\\title_id\\1\\platform_id\\1\\tz_name\\a\nb\\");
    assert_eq!(parse(&control).unwrap_err().code(), "parampack_malformed");
}

#[test]
fn an_odd_number_of_fields_is_refused() {
    let odd = STANDARD.encode("\\title_id\\1\\platform_id\\");
    assert_eq!(parse(&odd).unwrap_err().code(), "parampack_odd_fields");
}

#[test]
fn a_field_named_twice_is_refused() {
    let twice = encode(&[("title_id", "1"), ("platform_id", "1"), ("title_id", "2")]);
    assert_eq!(
        parse(&twice).unwrap_err(),
        ParamPackError::DuplicateField("title_id".into())
    );
}

#[test]
fn a_missing_title_id_is_refused() {
    let e = parse(&encode(&[("platform_id", "1"), ("language_id", "1")])).unwrap_err();
    assert_eq!(e.code(), "parampack_missing_title_id");
    let e = parse(&encode(&[("title_id", ""), ("platform_id", "1")])).unwrap_err();
    assert_eq!(e.code(), "parampack_invalid_number");
}

#[test]
fn non_numeric_ids_are_refused_naming_the_field() {
    for (field, value) in [
        ("title_id", "0x0005000010176900"),
        ("title_id", "18446744073709551616"),
        ("title_id", "-1"),
        ("language_id", "en"),
        ("language_id", "256"),
        ("country_id", " 49"),
        ("region_id", "+2"),
        ("utc_offset", "-"),
    ] {
        let mut fields = vec![("platform_id", "1")];
        if field != "title_id" {
            fields.push(("title_id", "1407375153522944"));
        }
        fields.push((field, value));
        let e = parse(&encode(&fields)).unwrap_err();
        assert_eq!(e, ParamPackError::InvalidNumber(field), "{field}={value}");
        assert_eq!(e.code(), "parampack_invalid_number");
    }
}

#[test]
fn an_unknown_or_missing_platform_is_refused() {
    for value in ["2", "wiiu", "", "01"] {
        let e = parse(&encode(&[("title_id", "1"), ("platform_id", value)])).unwrap_err();
        assert_eq!(e.code(), "parampack_unknown_platform", "{value:?}");
    }
    let e = parse(&encode(&[("title_id", "1")])).unwrap_err();
    assert_eq!(e.code(), "parampack_missing_platform");
}
