/**
 * Hands a file to the browser's download; the pane never publishes anything itself. The object URL
 * is revoked after the click's task, not within it, so a download that has not started yet keeps it.
 */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
