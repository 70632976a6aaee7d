//! Settings, merged once for every command: the defaults, then the `--config` file (read once),
//! then the flags. `analyze`, `report` and `gate` take their assumptions from here, `gate` its
//! rules as well, `pack` its EC2 settings.

use std::path::Path;

use super::args::AssumptionArgs;
use super::Error;
use crate::config::{Assumptions, ConfigError};
use crate::gate::Rules;

/// What every figure assumes, and the gate's rules.
#[derive(Debug)]
pub struct Settings {
    pub assumptions: Assumptions,
    pub rules: Rules,
}

impl Settings {
    /// Defaults, then the config file, then the assumption flags.
    pub fn resolve(flags: &AssumptionArgs) -> Result<Settings, Error> {
        Settings::merge(flags.config.as_deref(), |a, _| flags.apply(a))
    }

    /// The one merge: defaults, the file at `config` (read once) and then `flags`, validated.
    pub fn merge(config: Option<&Path>, flags: impl FnOnce(&mut Assumptions, &mut Rules)) -> Result<Settings, Error> {
        let (mut assumptions, mut rules) = match config {
            Some(p) => {
                let name = p.display().to_string();
                let text = crate::input::read_to_string(p, crate::input::SMALL).map_err(|source| ConfigError::Read {
                    path: name.clone(),
                    source,
                })?;
                (Assumptions::from_overlay(&text, &name)?, Rules::from_config(&text, &name)?)
            }
            None => (Assumptions::default(), Rules::default()),
        };
        flags(&mut assumptions, &mut rules);
        assumptions.validate()?;
        Ok(Settings { assumptions, rules })
    }
}
