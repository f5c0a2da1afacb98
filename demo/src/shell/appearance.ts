// Applies the settings to the page: the theme, accent, density and text size become attributes
// of <html> that the style sheet turns into CSS variables; the workspace name fills the header.
import type { Settings } from '../model/settings.js';

const darkScheme = () => globalThis.matchMedia?.('(prefers-color-scheme: dark)');
let shown: Settings | undefined;
let titleOf = (workspace: string) => workspace;

/** Sets how the page title is made from the workspace name. */
export function setTitleFormat(format: (workspace: string) => string): void {
  titleOf = format;
}

export function applyAppearance(settings: Settings): void {
  shown = settings;
  const root = document.documentElement;
  const theme =
    settings.theme === 'system' ? (darkScheme()?.matches ? 'dark' : 'light') : settings.theme;
  root.dataset.themeChoice = settings.theme;
  root.dataset.theme = theme;
  root.dataset.accent = settings.accent;
  root.dataset.density = settings.density;
  root.dataset.textSize = settings.textSize;
  for (const element of document.querySelectorAll('[data-bind="workspace"]')) {
    element.textContent = settings.workspace;
  }
  document.title = titleOf(settings.workspace);
}

// "System" follows the operating system while the page is open.
darkScheme()?.addEventListener('change', () => {
  if (shown?.theme === 'system') applyAppearance(shown);
});
