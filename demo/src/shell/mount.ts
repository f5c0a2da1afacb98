/** The element a page's part is rendered into; a missing one is a broken page. */
export function mount(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}
