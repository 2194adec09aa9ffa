//! Globally unique, time-ordered 64-bit ids that carry the region and node that made them
//! (ARCHITECTURE §3): two regions can never make the same id, and ids sort by creation time.
//!
//! Layout, high bit first: 1 sign bit (always 0) | 41 bits of milliseconds since 2026-01-01 UTC |
//! 5 bits region | 5 bits node | 12 bits sequence within the millisecond.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

/// 2026-01-01T00:00:00Z in Unix milliseconds.
pub const EPOCH_MS: i64 = 1_767_225_600_000;
const REGION_BITS: u32 = 5;
const NODE_BITS: u32 = 5;
const SEQ_BITS: u32 = 12;
/// The highest region number an id can carry.
pub const MAX_REGION: u8 = (1 << REGION_BITS) - 1;
/// The highest node number an id can carry.
pub const MAX_NODE: u8 = (1 << NODE_BITS) - 1;
const MAX_SEQ: i64 = (1 << SEQ_BITS) - 1;

/// An application-made id. In JSON it is a string, because JavaScript numbers lose 64-bit precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(pub i64);

impl Id {
    /// The region that made this id.
    pub fn region(self) -> u8 {
        ((self.0 >> (NODE_BITS + SEQ_BITS)) & i64::from(MAX_REGION)) as u8
    }

    /// The node that made this id.
    pub fn node(self) -> u8 {
        ((self.0 >> SEQ_BITS) & i64::from(MAX_NODE)) as u8
    }

    /// When the id was made, in Unix milliseconds.
    pub fn millis(self) -> i64 {
        (self.0 >> (REGION_BITS + NODE_BITS + SEQ_BITS)) + EPOCH_MS
    }

    /// The id a generator for `region` and `node` would make at Unix millisecond `ms` with
    /// sequence number `seq` (0–4095). For bulk loaders that make many rows for the past; they
    /// must use a node no live process uses, so their ids cannot collide with live ones.
    pub fn from_parts(ms: i64, region: u8, node: u8, seq: u16) -> Id {
        Id(
            ((ms - EPOCH_MS).max(0) << (REGION_BITS + NODE_BITS + SEQ_BITS))
                | (i64::from(region & MAX_REGION) << (NODE_BITS + SEQ_BITS))
                | (i64::from(node & MAX_NODE) << SEQ_BITS)
                | (i64::from(seq) & MAX_SEQ),
        )
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The text was not a positive decimal id.
#[derive(Debug, thiserror::Error)]
#[error("not a valid id")]
pub struct ParseIdError;

impl FromStr for Id {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<i64>() {
            Ok(v) if v > 0 => Ok(Id(v)),
            _ => Err(ParseIdError),
        }
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Number(i64),
        }
        match Repr::deserialize(d)? {
            Repr::Text(s) => s.parse().map_err(serde::de::Error::custom),
            Repr::Number(n) if n > 0 => Ok(Id(n)),
            Repr::Number(_) => Err(serde::de::Error::custom("not a valid id")),
        }
    }
}

impl utoipa::PartialSchema for Id {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[1-9][0-9]{0,18}$"))
            .description(Some(
                "A 64-bit id as a decimal string (JavaScript numbers lose its precision); a \
                 positive JSON number is accepted too.",
            ))
            .examples(["7394813820801024"])
            .into()
    }
}

impl utoipa::ToSchema for Id {}

/// Makes ids for one node of one region. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct IdGenerator {
    region: u8,
    node: u8,
    state: Mutex<(i64, i64)>,
}

/// Region or node out of the range an id can carry.
#[derive(Debug, thiserror::Error)]
#[error("region must be 1..={MAX_REGION} and node 0..={MAX_NODE}")]
pub struct IdRangeError;

impl IdGenerator {
    /// A generator for `region` (1–31) and `node` (0–31).
    pub fn new(region: u8, node: u8) -> Result<Self, IdRangeError> {
        if region == 0 || region > MAX_REGION || node > MAX_NODE {
            return Err(IdRangeError);
        }
        Ok(Self {
            region,
            node,
            state: Mutex::new((0, 0)),
        })
    }

    /// The region this generator stamps into ids.
    pub fn region(&self) -> u8 {
        self.region
    }

    /// The next id: strictly greater than every id this generator made before, even if the
    /// wall clock steps back.
    pub fn next_id(&self) -> Id {
        let mut state = match self.state.lock() {
            Ok(guard) => guard,
            // The critical section cannot panic half way, so a poisoned lock still holds a
            // consistent (last_ms, seq) pair.
            Err(poisoned) => poisoned.into_inner(),
        };
        let (last_ms, seq) = *state;
        let mut now = chrono::Utc::now().timestamp_millis() - EPOCH_MS;
        let next_seq;
        if now <= last_ms {
            now = last_ms;
            if seq >= MAX_SEQ {
                // 4096 ids in one millisecond: borrow the next millisecond.
                now = last_ms + 1;
                next_seq = 0;
            } else {
                next_seq = seq + 1;
            }
        } else {
            next_seq = 0;
        }
        *state = (now, next_seq);
        Id((now << (REGION_BITS + NODE_BITS + SEQ_BITS))
            | (i64::from(self.region) << (NODE_BITS + SEQ_BITS))
            | (i64::from(self.node) << SEQ_BITS)
            | next_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_region_node_and_time() {
        let generator = IdGenerator::new(3, 7).unwrap();
        let before = chrono::Utc::now().timestamp_millis();
        let id = generator.next_id();
        assert_eq!(id.region(), 3);
        assert_eq!(id.node(), 7);
        assert!(id.millis() >= before && id.millis() <= before + 1000);
        assert!(id.0 > 0);
    }

    #[test]
    fn ids_are_strictly_increasing_even_past_4096_in_a_millisecond() {
        let generator = IdGenerator::new(1, 0).unwrap();
        let mut last = generator.next_id();
        for _ in 0..20_000 {
            let id = generator.next_id();
            assert!(id > last);
            last = id;
        }
    }

    #[test]
    fn two_regions_never_make_the_same_id() {
        let a = IdGenerator::new(1, 0).unwrap();
        let b = IdGenerator::new(2, 0).unwrap();
        let ids_a: std::collections::HashSet<_> = (0..5000).map(|_| a.next_id()).collect();
        assert!(
            (0..5000)
                .map(|_| b.next_id())
                .all(|id| !ids_a.contains(&id))
        );
    }

    #[test]
    fn ids_from_parts_round_trip() {
        let id = Id::from_parts(EPOCH_MS + 123_456, 4, 31, 4095);
        assert_eq!(id.millis(), EPOCH_MS + 123_456);
        assert_eq!(id.region(), 4);
        assert_eq!(id.node(), 31);
        assert!(Id::from_parts(EPOCH_MS + 1, 1, 0, 0) > Id::from_parts(EPOCH_MS, 1, 31, 4095));
    }

    #[test]
    fn region_zero_and_out_of_range_nodes_are_rejected() {
        assert!(IdGenerator::new(0, 0).is_err());
        assert!(IdGenerator::new(32, 0).is_err());
        assert!(IdGenerator::new(1, 32).is_err());
    }

    #[test]
    fn ids_are_strings_in_json_and_accept_numbers() {
        let id = Id(1234567890123456789);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"1234567890123456789\""
        );
        let back: Id = serde_json::from_str("\"1234567890123456789\"").unwrap();
        assert_eq!(back, id);
        let number: Id = serde_json::from_str("42").unwrap();
        assert_eq!(number, Id(42));
        assert!(serde_json::from_str::<Id>("\"-5\"").is_err());
        assert!(serde_json::from_str::<Id>("\"abc\"").is_err());
    }
}
