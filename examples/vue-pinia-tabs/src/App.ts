import type { Subscribable, SyncStatus } from '@statesync/core';
import { useStore } from '@statesync/vue';
import { defineComponent, h, type PropType, ref, watch, watchEffect } from 'vue';
import type { Settings } from './settings.js';
import { useSettings } from './store.js';

/** The settings panel of one tab: renders the Pinia store, sends changes to the leader. */
export const App = defineComponent({
  props: {
    tabId: { type: String, required: true },
    leader: { type: Boolean, required: true },
    status: { type: Object as PropType<Subscribable<SyncStatus>>, required: true },
    write: { type: Function as PropType<(changes: Partial<Settings>) => void>, required: true },
  },
  setup(props) {
    const settings = useSettings();
    const status = useStore(props.status);
    // What is typed stays until it is sent: a re-render for another setting must not reset it.
    const draftName = ref(settings.displayName);
    watch(
      () => settings.displayName,
      (name) => {
        draftName.value = name;
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
          onChange: () => props.write({ theme }),
        }),
        ` ${label}`,
      ]);

    return () =>
      h('main', [
        h('h1', 'Settings'),
        h('p', [
          'Hello, ',
          h('strong', { 'data-testid': 'greeting' }, settings.displayName || 'stranger'),
          '. Change something: every tab follows, and a reload keeps it.',
        ]),
        h('fieldset', [
          h('legend', 'Theme'),
          themeChoice('light', 'Light'),
          themeChoice('dark', 'Dark'),
        ]),
        h('label', [
          'Font size ',
          h('output', { 'data-testid': 'font-size-value' }, settings.fontSize),
          ' px',
          h('input', {
            type: 'range',
            min: 12,
            max: 24,
            step: 1,
            value: settings.fontSize,
            'data-testid': 'font-size',
            onChange: (event: Event) =>
              props.write({ fontSize: Number((event.target as HTMLInputElement).value) }),
          }),
        ]),
        h('label', [
          'Display name ',
          h('input', {
            type: 'text',
            maxlength: 40,
            value: draftName.value,
            'data-testid': 'display-name',
            onInput: (event: Event) => {
              draftName.value = (event.target as HTMLInputElement).value;
            },
            onChange: () => props.write({ displayName: draftName.value }),
          }),
        ]),
        h('p', h('a', { href: '/', target: '_blank' }, 'Open another tab')),
        h('footer', [
          h('span', ['tab ', h('code', props.tabId)]),
          h('span', { 'data-testid': 'role' }, props.leader ? 'leader' : 'follower'),
          h('span', { 'data-testid': 'state' }, status.value.state),
          h('span', [
            'revision ',
            h('code', { 'data-testid': 'revision' }, status.value.localRevision ?? '–'),
          ]),
        ]),
      ]);
  },
});
