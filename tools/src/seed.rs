//! `plaza seed`: fills a deployment's database with realistic data at a chosen scale, for
//! benchmarks and demos. Activity is long-tailed: a few communities and authors get most posts,
//! recent posts get most comments and Yeahs, one account follows 1000 people, one is followed by up
//! to 100,000 and one has 10,000 notifications. Rows are written with multi-row inserts in large
//! transactions, straight into each service's tables (like a migration, not through the REST
//! APIs, which would take hours at 10M posts). Ids are made for the past with nodes 24–31, which
//! live processes must not use.
//!
//! It also writes `bench.json` beside the data: API tokens and ids that `plaza bench` drives.

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use plaza_storage::{Db, Dialect};
use plaza_types::Id;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;
use std::path::Path;

/// How much data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// A few thousand rows: for tests.
    Tiny,
    /// Tens of thousands of rows: for CI and a quick look.
    Small,
    /// A hundred thousand posts: the side-by-side comparison with a peer (scripts/peer-bench.sh).
    #[value(name = "100k")]
    HundredThousand,
    /// One million posts.
    #[value(name = "1m")]
    OneMillion,
    /// Ten million posts.
    #[value(name = "10m")]
    TenMillion,
}

/// The numbers behind a scale.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub users: usize,
    pub communities: usize,
    pub posts: usize,
    pub comments: usize,
    /// Random follows per ordinary user.
    pub follows_per_user: usize,
    /// How many people `bench_follower` follows.
    pub followed_by_follower: usize,
    /// How many people follow `bench_star`.
    pub star_followers: usize,
    /// Notification groups of `bench_notified`.
    pub notifications: usize,
    /// Accounts given API tokens for the load generator.
    pub tokens: usize,
}

impl Scale {
    /// The plan for this scale.
    pub fn plan(self) -> Plan {
        match self {
            Scale::Tiny => Plan {
                users: 400,
                communities: 5,
                posts: 2_000,
                comments: 2_000,
                follows_per_user: 3,
                followed_by_follower: 300,
                star_followers: 350,
                notifications: 500,
                tokens: 100,
            },
            Scale::Small => Plan {
                users: 1_500,
                communities: 20,
                posts: 20_000,
                comments: 20_000,
                follows_per_user: 5,
                followed_by_follower: 1_000,
                star_followers: 1_400,
                notifications: 10_000,
                tokens: 1_000,
            },
            Scale::HundredThousand => Plan {
                users: 12_000,
                communities: 20,
                posts: 100_000,
                comments: 100_000,
                follows_per_user: 10,
                followed_by_follower: 1_000,
                star_followers: 10_000,
                notifications: 10_000,
                tokens: 2_000,
            },
            Scale::OneMillion => Plan {
                users: 120_000,
                communities: 200,
                posts: 1_000_000,
                comments: 1_000_000,
                follows_per_user: 10,
                followed_by_follower: 1_000,
                star_followers: 100_000,
                notifications: 10_000,
                tokens: 2_000,
            },
            Scale::TenMillion => Plan {
                users: 1_200_000,
                communities: 1_000,
                posts: 10_000_000,
                comments: 10_000_000,
                follows_per_user: 10,
                followed_by_follower: 1_000,
                star_followers: 100_000,
                notifications: 10_000,
                tokens: 2_000,
            },
        }
    }
}

/// What `plaza bench` needs to know about seeded data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchData {
    /// The most active communities: `(id, title_id)`.
    pub communities: Vec<(Id, String)>,
    /// A post nobody has yeahed yet, for the Yeah storm.
    pub hot_post: Id,
    /// A post with many comments.
    pub busy_post: Id,
    /// The token of the account that follows 1000 people.
    pub follower_token: String,
    /// The token of the account with 10,000 notifications.
    pub notified_token: String,
    /// Page-session cookies (`plaza_session`) of the follower and the notified account.
    pub follower_cookie: String,
    pub notified_cookie: String,
    /// Tokens of ordinary accounts (none has yeahed `hot_post`).
    pub tokens: Vec<String>,
    /// An account to sign in with.
    pub sign_in: (String, String),
}

/// The password of every seeded account.
pub const PASSWORD: &str = "password1";
const DAY_MS: i64 = 86_400_000;
/// Seeded activity spreads over the last 90 days.
const SPAN_MS: i64 = 90 * DAY_MS;

enum V {
    I(i64),
    T(String),
    N,
}

/// Writes rows in multi-row statements, `ROWS_PER_STATEMENT` at a time, committing every
/// `ROWS_PER_TX` rows.
struct Writer<'a> {
    db: &'a Db,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
    bar: ProgressBar,
}

const ROWS_PER_STATEMENT: usize = 400;
const ROWS_PER_TX: usize = 20_000;
/// The seeding connection's page cache, in KiB (negative: a size, not a page count).
const SEED_CACHE_PRAGMA: &str = "PRAGMA cache_size = -4194304";

impl<'a> Writer<'a> {
    fn new(
        db: &'a Db,
        table: &'static str,
        columns: &'static [&'static str],
        total: usize,
        quiet: bool,
    ) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(total as u64)
        };
        bar.set_style(
            ProgressStyle::with_template("{prefix:>20} [{bar:40}] {pos}/{len} {per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(table);
        Writer {
            db,
            table,
            columns,
            rows: Vec::with_capacity(ROWS_PER_TX),
            bar,
        }
    }

    async fn push(&mut self, row: Vec<V>) -> anyhow::Result<()> {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_TX {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin_write().await?;
        if self.db.dialect == Dialect::Sqlite {
            // SQLite's default page cache is 2 MB: once the indexes outgrow it, every row
            // inserted reads index pages back from the file and a 10m seed slows to hours.
            // The seeder's writer connection keeps up to 4 GiB of pages instead (the setting is
            // the connection's own, set again per transaction in case the pool renewed it).
            sqlx::query(SEED_CACHE_PRAGMA).execute(&mut *tx).await?;
        }
        let one = format!("({})", plaza_storage::placeholders(self.columns.len()));
        for chunk in self.rows.chunks(ROWS_PER_STATEMENT) {
            let values = vec![one.as_str(); chunk.len()].join(", ");
            // Table and column names are constants of this module; every value is bound.
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {values}",
                self.table,
                self.columns.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                for v in row {
                    q = match v {
                        V::I(i) => q.bind(*i),
                        V::T(t) => q.bind(t.clone()),
                        V::N => q.bind(Option::<i64>::None),
                    };
                }
            }
            q.execute(&mut *tx)
                .await
                .with_context(|| format!("inserting into {}", self.table))?;
        }
        tx.commit().await?;
        self.bar.inc(self.rows.len() as u64);
        self.rows.clear();
        Ok(())
    }

    async fn finish(mut self) -> anyhow::Result<()> {
        self.flush().await?;
        self.bar.finish();
        Ok(())
    }
}

/// Samples ranks 0..n with probability ∝ 1 / (rank + 1)^s: a few ranks get most picks.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for k in 0..n {
            total += 1.0 / ((k + 1) as f64).powf(s);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut SmallRng) -> usize {
        let u: f64 = rng.random();
        self.cdf
            .partition_point(|c| *c < u)
            .min(self.cdf.len().saturating_sub(1))
    }
}

const SENTENCES: [&str; 8] = [
    "Finally cleared the last level after a whole weekend of tries!",
    "Does anyone know where the hidden key in the second world is?",
    "Look at this combo I pulled off in ranked today.",
    "Who wants to team up tonight? I'm on after eight.",
    "The soundtrack in this game is unbelievably good.",
    "Hot take: the first boss is harder than the final one.",
    "Just started playing, any tips for a beginner?",
    "That ending... I need a moment.",
];

/// Fills `db` according to `scale` and writes `bench.json` into `out_dir`. Fails on a database
/// that was seeded before.
pub async fn seed(
    db: &Db,
    region: u8,
    scale: Scale,
    out_dir: &Path,
    quiet: bool,
) -> anyhow::Result<BenchData> {
    let plan = scale.plan();
    let exists = sqlx::query("SELECT 1 AS x FROM users WHERE username_key = 'bench_follower'")
        .fetch_optional(&db.pool)
        .await?
        .is_some();
    if exists {
        bail!("this database was seeded already; seed an empty one");
    }
    let mut rng = SmallRng::seed_from_u64(0x5EED);
    let now = plaza_types::now_millis();
    let start = now - SPAN_MS;
    let hash = plaza_web::auth::Passwords::new(1)
        .hash(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let at = |i: usize, n: usize| start + (SPAN_MS as f64 * i as f64 / n.max(1) as f64) as i64;
    let seq = |i: usize| (i % 4096) as u16;
    let region_v = i64::from(region);

    // Users: 0 follows 1000 people, 1 is the star, 2 has the notifications.
    let user_id = |i: usize| Id::from_parts(start - DAY_MS + i as i64, region, 31, seq(i));
    let username = |i: usize| match i {
        0 => "bench_follower".to_owned(),
        1 => "bench_star".to_owned(),
        2 => "bench_notified".to_owned(),
        _ => format!("user{i}"),
    };
    let mut w = Writer::new(
        db,
        "users",
        &[
            "id",
            "region",
            "home_region",
            "username",
            "username_key",
            "password_hash",
            "display_name",
            "bio",
            "is_admin",
            "created_at",
            "updated_at",
        ],
        plan.users,
        quiet,
    );
    for i in 0..plan.users {
        let name = username(i);
        w.push(vec![
            V::I(user_id(i).0),
            V::I(region_v),
            V::I(region_v),
            V::T(name.clone()),
            V::T(name.to_ascii_lowercase()),
            V::T(hash.clone()),
            V::T(format!("Player {i}")),
            V::T(String::new()),
            V::I(0),
            V::I(start),
            V::I(start),
        ])
        .await?;
    }
    w.finish().await?;

    // Communities.
    let community_id = |i: usize| Id::from_parts(start - 2 * DAY_MS + i as i64, region, 25, seq(i));
    let title = |i: usize| format!("00050000{i:08X}");
    let mut w = Writer::new(
        db,
        "communities",
        &[
            "id",
            "region",
            "title_id",
            "name",
            "description",
            "icon_url",
            "created_at",
            "updated_at",
        ],
        plan.communities,
        quiet,
    );
    for i in 0..plan.communities {
        w.push(vec![
            V::I(community_id(i).0),
            V::I(region_v),
            V::T(title(i)),
            V::T(format!("Game {i}")),
            V::T(format!("Community for game number {i}.")),
            V::N,
            V::I(start),
            V::I(start),
        ])
        .await?;
    }
    w.finish().await?;

    // Posts: communities and authors long-tailed (authors skip the three special accounts).
    let ordinary = plan.users - 3;
    let community_rank = Zipf::new(plan.communities, 1.1);
    let author_rank = Zipf::new(ordinary, 1.0);
    let post_id = |i: usize| Id::from_parts(at(i, plan.posts), region, 30, seq(i));
    let mut post_community = Vec::with_capacity(plan.posts);
    let mut post_author = Vec::with_capacity(plan.posts);
    let mut w = Writer::new(
        db,
        "posts",
        &[
            "id",
            "region",
            "community_id",
            "author_id",
            "body",
            "feeling",
            "spoiler",
            "topic_tag",
            "platform",
            "deleted_at",
            "created_at",
        ],
        plan.posts,
        quiet,
    );
    for i in 0..plan.posts {
        let c = community_rank.sample(&mut rng);
        post_community.push(c as u32);
        let author = 3 + author_rank.sample(&mut rng);
        post_author.push(author as u32);
        let body = format!("{} #{i}", SENTENCES[i % SENTENCES.len()]);
        let tag = if i % 11 == 0 {
            V::T("tips".into())
        } else {
            V::N
        };
        w.push(vec![
            V::I(post_id(i).0),
            V::I(region_v),
            V::I(community_id(c).0),
            V::I(user_id(author).0),
            V::T(body),
            V::I((i % 6) as i64),
            V::I(i64::from(i % 17 == 0)),
            tag,
            V::T("web".into()),
            V::N,
            V::I(at(i, plan.posts)),
        ])
        .await?;
    }
    w.finish().await?;

    // The hot post (for the Yeah storm) is the newest post of the busiest community; nobody has
    // yeahed it. The busy post is the newest post overall, which recency gives the most comments.
    let hot_index = (0..plan.posts)
        .rev()
        .find(|i| post_community[*i] == 0)
        .unwrap_or(plan.posts - 1);
    let busy_index = if hot_index == plan.posts - 1 {
        plan.posts - 2
    } else {
        plan.posts - 1
    };

    // Comments: each on a post already made at its time, biased to recent posts.
    let recent = Zipf::new(2_000.min(plan.posts), 0.9);
    let mut w = Writer::new(
        db,
        "comments",
        &[
            "id",
            "region",
            "post_id",
            "author_id",
            "body",
            "feeling",
            "spoiler",
            "platform",
            "deleted_at",
            "created_at",
        ],
        plan.comments,
        quiet,
    );
    for i in 0..plan.comments {
        let when = at(i, plan.comments) + 1;
        let made = ((i as f64 / plan.comments as f64) * plan.posts as f64) as usize;
        let post = made
            .saturating_sub(recent.sample(&mut rng))
            .min(plan.posts - 1);
        let post = if i % 50 == 0 { busy_index } else { post };
        let author = 3 + rng.random_range(0..ordinary);
        w.push(vec![
            V::I(Id::from_parts(when, region, 29, seq(i)).0),
            V::I(region_v),
            V::I(post_id(post).0),
            V::I(user_id(author).0),
            V::T(format!("Reply {i}")),
            V::I(0),
            V::I(0),
            V::T("web".into()),
            V::N,
            V::I(when.max(at(post, plan.posts) + 1)),
        ])
        .await?;
    }
    w.finish().await?;

    // Yeahs: a long-tailed number per post from consecutive users, plus the count rows.
    let mut yeah_rows = Vec::with_capacity(plan.posts);
    for i in 0..plan.posts {
        let u: f64 = rng.random_range(0.0001..1.0);
        let k = if i == hot_index {
            0
        } else {
            ((1.0 / u.powf(0.8)) as usize)
                .saturating_sub(1)
                .min(200)
                .min(ordinary)
        };
        yeah_rows.push(k as u16);
    }
    let total_yeahs: usize = yeah_rows.iter().map(|k| usize::from(*k)).sum();
    let mut w = Writer::new(
        db,
        "yeahs",
        &[
            "id",
            "region",
            "target_kind",
            "target_id",
            "user_id",
            "post_id",
            "community_id",
            "created_at",
        ],
        total_yeahs,
        quiet,
    );
    let mut counts = Writer::new(
        db,
        "yeah_counts",
        &["target_kind", "target_id", "region", "n"],
        plan.posts,
        true,
    );
    for (i, k) in yeah_rows.iter().enumerate() {
        let k = usize::from(*k);
        if k == 0 {
            continue;
        }
        let first = (i * 7919) % ordinary;
        let pid = post_id(i).0;
        let cid = community_id(post_community[i] as usize).0;
        for j in 0..k {
            let when = at(i, plan.posts) + 1 + j as i64;
            let user = 3 + (first + j) % ordinary;
            w.push(vec![
                V::I(Id::from_parts(when, region, 28, seq(i)).0),
                V::I(region_v),
                V::I(1),
                V::I(pid),
                V::I(user_id(user).0),
                V::I(pid),
                V::I(cid),
                V::I(when),
            ])
            .await?;
        }
        counts
            .push(vec![V::I(1), V::I(pid), V::I(region_v), V::I(k as i64)])
            .await?;
    }
    w.finish().await?;
    counts.finish().await?;

    // Follows: the follower follows the most active authors, the star is followed by many, and
    // everyone else follows a few people.
    let followers_of_star = plan.star_followers.min(ordinary);
    let total_follows =
        plan.followed_by_follower + followers_of_star + ordinary * plan.follows_per_user;
    let mut w = Writer::new(
        db,
        "follows",
        &["id", "region", "follower_id", "followee_id", "created_at"],
        total_follows,
        quiet,
    );
    let mut n = 0usize;
    let follow_at = |n: usize| start - DAY_MS / 2 + (n / 4096) as i64;
    let follow = |a: usize, b: usize, n: &mut usize| {
        let row = vec![
            V::I(Id::from_parts(follow_at(*n), region, 27, seq(*n)).0),
            V::I(region_v),
            V::I(user_id(a).0),
            V::I(user_id(b).0),
            V::I(follow_at(*n)),
        ];
        *n += 1;
        row
    };
    for b in 3..3 + plan.followed_by_follower.min(ordinary) {
        let row = follow(0, b, &mut n);
        w.push(row).await?;
    }
    for a in 3..3 + followers_of_star {
        let row = follow(a, 1, &mut n);
        w.push(row).await?;
    }
    for a in 3..plan.users {
        for k in 1..=plan.follows_per_user {
            let b = 3 + (a - 3 + 7 * k + 1) % ordinary;
            if b != a {
                let row = follow(a, b, &mut n);
                w.push(row).await?;
            }
        }
    }
    w.finish().await?;

    // Notifications of bench_notified: one group per post of theirs that got Yeahs.
    let mut w = Writer::new(
        db,
        "notification_groups",
        &[
            "id",
            "region",
            "recipient_id",
            "kind",
            "target_id",
            "actor_count",
            "latest_actor_id",
            "previous_actor_id",
            "sort_id",
            "read_at",
            "created_at",
            "updated_at",
        ],
        plan.notifications,
        quiet,
    );
    for i in 0..plan.notifications {
        let when = start + i as i64 * 1000;
        let id = Id::from_parts(when, region, 26, seq(i)).0;
        let actor = user_id(3 + i % ordinary).0;
        let previous = user_id(3 + (i + 1) % ordinary).0;
        w.push(vec![
            V::I(id),
            V::I(region_v),
            V::I(user_id(2).0),
            V::I(1),
            V::I(post_id(i % plan.posts).0),
            V::I(2 + (i % 5) as i64),
            V::I(actor),
            V::I(previous),
            V::I(id),
            if i % 2 == 0 { V::I(when) } else { V::N },
            V::I(when),
            V::I(when),
        ])
        .await?;
    }
    w.finish().await?;

    // API tokens for the load generator.
    // Nobody with a token wrote the hot post: they may all give it a Yeah.
    let hot_author = post_author[hot_index] as usize;
    let token_users: Vec<usize> = [0, 2]
        .into_iter()
        .chain(
            (3..plan.users)
                .filter(|u| *u != hot_author)
                .take(plan.tokens),
        )
        .collect();
    let mut tokens = Vec::with_capacity(token_users.len());
    let mut w = Writer::new(
        db,
        "sessions",
        &[
            "token_hash",
            "user_id",
            "region",
            "kind",
            "created_at",
            "expires_at",
        ],
        token_users.len(),
        true,
    );
    // A new session of `kind` for user `u`, valid for 30 days: its secret and its row.
    let session = |u: usize, kind: i64| -> anyhow::Result<(String, Vec<V>)> {
        let token = plaza_web::auth::new_secret().map_err(|e| anyhow::anyhow!("{e}"))?;
        let row = vec![
            V::T(plaza_web::auth::token_hash(&token)),
            V::I(user_id(u).0),
            V::I(region_v),
            V::I(kind),
            V::I(now),
            V::I(now + 30 * DAY_MS),
        ];
        Ok((token, row))
    };
    for u in &token_users {
        let (token, row) = session(*u, plaza_web::auth::KIND_API)?;
        w.push(row).await?;
        tokens.push(token);
    }
    // Page sessions for the two accounts whose pages are measured.
    let mut cookies = Vec::new();
    for u in [0, 2] {
        let (token, row) = session(u, plaza_web::auth::KIND_COOKIE)?;
        w.push(row).await?;
        cookies.push(token);
    }
    w.finish().await?;

    let data = BenchData {
        follower_cookie: cookies[0].clone(),
        notified_cookie: cookies[1].clone(),
        communities: (0..plan.communities.min(5))
            .map(|i| (community_id(i), title(i)))
            .collect(),
        hot_post: post_id(hot_index),
        busy_post: post_id(busy_index),
        follower_token: tokens[0].clone(),
        notified_token: tokens[1].clone(),
        tokens: tokens[2..].to_vec(),
        sign_in: (username(3), PASSWORD.to_owned()),
    };
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let path = out_dir.join("bench.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&data)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_favours_low_ranks() {
        let z = Zipf::new(100, 1.1);
        let mut rng = SmallRng::seed_from_u64(1);
        let mut hits = [0usize; 100];
        for _ in 0..10_000 {
            hits[z.sample(&mut rng)] += 1;
        }
        assert!(hits[0] > hits[10] && hits[10] > hits[90]);
        assert!(hits[0] > 1_000);
    }
}
