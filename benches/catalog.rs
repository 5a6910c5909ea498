//! Catalog start-up costs: parsing and validating the default-size catalog,
//! verifying its signature, and a trusted load from a file.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use keymsg_core::Catalog;
use keymsg_core::catalog::{DEFAULT_CATALOG_TOML, Format, LoadOptions, TrustedKey, sign, verify};

fn bench(c: &mut Criterion) {
    let bytes = DEFAULT_CATALOG_TOML.as_bytes();
    c.bench_function(
        "catalog/parse+validate default (every layout checked)",
        |b| b.iter(|| Catalog::from_bytes(black_box(bytes), Format::Toml, "default").unwrap()),
    );

    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let key = TrustedKey::parse(&kp.pk.to_base64(), "bench key").unwrap();
    let secret = kp.sk.to_box(None).unwrap().into_string();
    let sig = sign(bytes, &secret, None, "catalog.toml", None, "bench key").unwrap();
    let keys = [key.clone()];
    c.bench_function("catalog/verify signature (default size)", |b| {
        b.iter(|| verify(black_box(bytes), &sig, &keys, "catalog.toml").unwrap())
    });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.toml");
    std::fs::write(&path, bytes).unwrap();
    std::fs::write(dir.path().join("catalog.toml.minisig"), &sig).unwrap();
    let options = LoadOptions {
        catalog: Some(path),
        trusted_keys: vec![key],
        require_signature: true,
        state: Some(dir.path().join("state")),
        ..LoadOptions::default()
    };
    Catalog::load(&options).unwrap();
    c.bench_function("catalog/load signed file with state (warm)", |b| {
        b.iter(|| Catalog::load(black_box(&options)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
