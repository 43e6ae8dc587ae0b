//! The `motcua` command: a thin shell that reads configuration, opens the database and starts
//! the chosen task (serve the portal, migrate, reload reference data, edit the calendar).
//! Every rule lives in the crates under `crates/`; the commands themselves are in `cli/`.

mod cli;
mod config;

fn main() -> std::process::ExitCode {
    cli::main()
}
