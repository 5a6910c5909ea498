//! `keymsg ship`: a host's journal and the fleet store.

use keymsg_core::store::is_fleet_url;

use super::common::{StoreArgs, plural};
use crate::config::Config;
use crate::exit::CliError;

/// Ship every journal row still pending to the PostgreSQL fleet store, and
/// wait until it is stored (for cron, or after an outage). Exactly once: rows
/// already shipped, by this or any other process, are never counted again.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example (cron, every 5 minutes):
  */5 * * * * keymsg ship --journal /var/lib/keymsg/journal --store postgres://keymsg@db:5432/keymsg

Footers are acknowledged in the journal and shipped in the background by the
process that printed them; `ship` catches up on what is left (PostgreSQL was
down, a process ended before shipping). Exit 3 when the fleet store cannot be
reached or refuses the login: the rows stay in the journal.")]
pub struct ShipArgs {
    #[command(flatten)]
    store: StoreArgs,
}

/// Run `keymsg ship`.
pub fn ship(args: ShipArgs, config: &Config) -> Result<(), CliError> {
    let url = args.store.store.clone().or_else(|| config.store.clone());
    if !url
        .as_deref()
        .and_then(|p| p.to_str())
        .is_some_and(is_fleet_url)
    {
        return Err(CliError::Usage(
            "ship needs --store postgres://USER@HOST:PORT/DB (or a postgres:// `store` in keymsg.toml)"
                .into(),
        ));
    }
    let journal = args
        .store
        .journal
        .clone()
        .or_else(|| config.journal.clone());
    if let Some(j) = journal.as_deref().filter(|j| !j.exists()) {
        return Err(CliError::Store(format!(
            "journal `{}` does not exist (give the --journal directory the host counts into)",
            j.display()
        )));
    }
    let store = args.store.open(config, false, "ship")?;
    let rows = store.ship()?;
    println!("shipped {}", plural(rows, "journal row", "journal rows"));
    Ok(())
}
