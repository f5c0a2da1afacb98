// The settings panel (Vue 3 + Pinia). It renders the Pinia store, which mirrors the settings
// authority; a choice is sent to the authority and shows here once it comes back synced.
import { defineComponent, h, inject, ref, type VNode, watch } from 'vue';
import {
  ACCENTS,
  DEFAULT_SETTINGS,
  DENSITIES,
  MAX_WORKSPACE_LENGTH,
  type Settings,
  type SettingsChange,
  TEXT_SIZES,
  THEMES,
} from '../model/settings.js';
import { settingsContext, useSettings } from './settings-store.js';

type Choice = 'theme' | 'accent' | 'density' | 'textSize';

const LABELS: { [K in Choice]: Record<Settings[K], string> } = {
  theme: { light: 'Light', dark: 'Dark', system: 'System' },
  accent: {
    indigo: 'Indigo',
    teal: 'Teal',
    rose: 'Rose',
    amber: 'Amber',
    violet: 'Violet',
    green: 'Green',
  },
  density: { compact: 'Compact', comfortable: 'Comfortable', spacious: 'Spacious' },
  textSize: { small: 'Small', medium: 'Medium', large: 'Large' },
};

export const SettingsPanel = defineComponent({
  name: 'SettingsPanel',
  setup() {
    const context = inject(settingsContext);
    if (!context) throw new Error('SettingsPanel needs the settings context (provide it)');
    const { sync, meter } = context;
    // biome-ignore lint/correctness/useHookAtTopLevel: a Pinia store in a Vue setup, not a React hook
    const settings = useSettings();

    const error = ref('');
    const pending = ref(0);
    // The name being typed stays in this window until it is committed (Enter, or leaving).
    const workspaceDraft = ref(settings.workspace);
    watch(
      () => settings.workspace,
      (name) => {
        workspaceDraft.value = name;
      },
    );

    const change = async (patch: SettingsChange) => {
      error.value = '';
      pending.value++;
      try {
        await meter.measure('settings', () => sync.change(patch));
      } catch (failure) {
        error.value = failure instanceof Error ? failure.message : String(failure);
      } finally {
        pending.value--;
      }
    };

    const commitWorkspace = () => {
      const name = workspaceDraft.value.trim();
      if (name === '') workspaceDraft.value = settings.workspace;
      else if (name !== settings.workspace) void change({ workspace: name });
    };

    /** A group of radio buttons for one setting, drawn as a segmented control. */
    const segmented = <K extends Choice>(key: K, legend: string, values: readonly Settings[K][]) =>
      h('fieldset', { class: 'field' }, [
        h('legend', legend),
        h(
          'div',
          { class: 'segmented' },
          values.map((value) =>
            h('label', { key: value, class: 'segment' }, [
              h('input', {
                type: 'radio',
                name: key,
                value,
                checked: settings[key] === value,
                'data-testid': `${key}-${value}`,
                onChange: () => void change({ [key]: value }),
              }),
              h('span', LABELS[key][value]),
            ]),
          ),
        ),
      ]);

    const accents = () =>
      h('fieldset', { class: 'field' }, [
        h('legend', 'Accent colour'),
        h(
          'div',
          { class: 'swatches' },
          ACCENTS.map((accent) =>
            h('label', { key: accent, class: 'swatch' }, [
              h('input', {
                type: 'radio',
                name: 'accent',
                value: accent,
                checked: settings.accent === accent,
                'data-testid': `accent-${accent}`,
                onChange: () => void change({ accent }),
              }),
              h('span', { class: 'swatch-dot', 'data-swatch': accent, 'aria-hidden': 'true' }),
              h('span', { class: 'swatch-name' }, LABELS.accent[accent]),
            ]),
          ),
        ),
      ]);

    const workspace = () =>
      h('div', { class: 'field' }, [
        h('label', { class: 'field-label', for: 'workspace-name' }, 'Workspace name'),
        h('input', {
          id: 'workspace-name',
          class: 'text-input',
          type: 'text',
          autocomplete: 'off',
          maxlength: MAX_WORKSPACE_LENGTH,
          value: workspaceDraft.value,
          'aria-describedby': 'workspace-hint',
          'data-testid': 'workspace-name',
          onInput: (event: Event) => {
            workspaceDraft.value = (event.target as HTMLInputElement).value;
          },
          onChange: commitWorkspace,
          onKeydown: (event: KeyboardEvent) => {
            if (event.key === 'Escape') workspaceDraft.value = settings.workspace;
          },
        }),
        h(
          'p',
          { id: 'workspace-hint', class: 'hint' },
          'Shown in the header of every window. Saved when you press Enter or leave the field.',
        ),
      ]);

    return (): VNode =>
      h(
        'section',
        {
          class: 'card settings',
          'aria-labelledby': 'settings-title',
          'aria-busy': pending.value > 0,
        },
        [
          h('header', { class: 'card-header' }, [
            h('div', [
              h('h2', { id: 'settings-title' }, 'Settings'),
              h(
                'p',
                { class: 'card-subtitle' },
                'Vue + Pinia · revision sync, stored in IndexedDB',
              ),
            ]),
          ]),
          segmented('theme', 'Theme', THEMES),
          accents(),
          segmented('density', 'Density', DENSITIES),
          segmented('textSize', 'Text size', TEXT_SIZES),
          workspace(),
          h('div', { class: 'card-actions' }, [
            h(
              'button',
              {
                type: 'button',
                class: 'button button-quiet',
                onClick: () => void change({ ...DEFAULT_SETTINGS }),
              },
              'Reset to defaults',
            ),
          ]),
          error.value ? h('p', { class: 'alert', role: 'alert' }, error.value) : null,
        ],
      );
  },
});
