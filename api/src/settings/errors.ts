/** The app cannot start: names every setting that is missing or wrong. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`The API cannot start. Fix these settings (environment variables or local.settings.json "Values"):\n - ${problems.join("\n - ")}`);
    this.name = "SettingsError";
  }
}
