/**
 * Makes this tab the leader whenever no other tab is. `lead` runs at most once, in the tab that
 * holds the Web Lock `name`; the tab keeps it until it closes, and then the browser hands it to
 * the next tab waiting. Resolves with whether this tab leads right away, so that a new tab knows
 * the authority exists before it first pulls.
 */
export function campaign(name: string, lead: () => void): Promise<boolean> {
  const holdUntilTabCloses = () => new Promise<never>(() => {});
  return new Promise<boolean>((resolve, reject) => {
    navigator.locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (lock === null) {
          resolve(false);
          navigator.locks
            .request(name, () => {
              lead();
              return holdUntilTabCloses();
            })
            .catch((error: unknown) => console.error('could not take over as leader', error));
          return;
        }
        lead();
        resolve(true);
        return holdUntilTabCloses();
      })
      .catch(reject);
  });
}
