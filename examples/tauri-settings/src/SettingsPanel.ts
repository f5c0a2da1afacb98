import type { Subscribable, SyncStatus } from '@statesync/core';
import { useStore } from '@statesync/vue';
import { defineComponent, h, type PropType, ref, watch, watchEffect } from 'vue';
import type { Settings } from './settings.js';
import { useSettingsStore } from './store.js';

/** One window's panel: renders the Pinia store, asks the backend for changes. */
export const SettingsPanel = defineComponent({
  props: {
    windowLabel: { type: String, required: true },
    status: { type: Object as PropType<Subscribable<SyncStatus>>, required: true },
    update: {
      type: Function as PropType<(patch: Partial<Settings>) => Promise<void>>,
      required: true,
    },
  },
  setup(props) {
    const settings = useSettingsStore();
    const status = useStore(props.status);
    // While the thumb is dragged, the slider shows the draft: a re-render for another window's
    // change (the theme, say) must not move it back to the stored size before it is sent.
    const draftFontSize = ref(settings.fontSize);
    watch(
      () => settings.fontSize,
      (size) => {
        draftFontSize.value = size;
      },
    );

    watchEffect(() => {
      document.documentElement.dataset.theme = settings.theme;
      document.documentElement.style.setProperty('--font-size', `${settings.fontSize}px`);
    });

    const themeChoice = (theme: Settings['theme'], label: string) =>
      h('label', [
        h('input', {
          type: 'radio',
          name: 'theme',
          value: theme,
          checked: settings.theme === theme,
          'data-testid': `theme-${theme}`,
          onChange: () => void props.update({ theme }),
        }),
        ` ${label}`,
      ]);

    return () =>
      h('main', [
        h('h1', ['Settings ', h('small', { 'data-testid': 'window-label' }, props.windowLabel)]),
        h('fieldset', [
          h('legend', 'Theme'),
          themeChoice('light', 'Light'),
          themeChoice('dark', 'Dark'),
        ]),
        h('label', [
          'Font size ',
          h('output', { 'data-testid': 'font-size-value' }, draftFontSize.value),
          ' px',
          h('input', {
            type: 'range',
            min: 12,
            max: 24,
            step: 1,
            value: draftFontSize.value,
            'data-testid': 'font-size',
            onInput: (event: Event) => {
              draftFontSize.value = Number((event.target as HTMLInputElement).value);
            },
            onChange: () => void props.update({ fontSize: draftFontSize.value }),
          }),
        ]),
        h('footer', [
          h('span', { 'data-testid': 'state' }, status.value.state),
          h('span', [
            'revision ',
            h('code', { 'data-testid': 'revision' }, status.value.localRevision ?? '–'),
          ]),
        ]),
      ]);
  },
});
