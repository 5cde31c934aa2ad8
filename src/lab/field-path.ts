/**
 * Path of a field inside a lab spec (e.g. ['lab', 'peer_addresses', 1]). Its own file so lab-spec.ts and
 * daemon-config.ts can both name it without importing each other.
 */
export type FieldPath = ReadonlyArray<string | number>;
