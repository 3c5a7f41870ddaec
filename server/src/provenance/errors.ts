import { ConfigError } from '../cli/config';

/**
 * Bad input to a lock operation (a missing key file, a corrupt lock file, a path that does not exist, an entry that
 * already exists): the message names the file and the problem. It is a ConfigError so that `tunelint check`
 * stops with exit code 2 and the message, as it does for a broken config file.
 */
export class ProvenanceError extends ConfigError {}
