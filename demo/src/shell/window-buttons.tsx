// Opens more clients of the same authority: a new window of the app, the to-do list alone in a
// small window, or the same panel embedded in this page.
import { useState } from 'react';

export interface WindowButtonsProps {
  onAddFrame(): void;
}

export function WindowButtons({ onAddFrame }: WindowButtonsProps) {
  const [panels, setPanels] = useState(0);
  const [blocked, setBlocked] = useState(false);

  const open = (url: string, target: string, features?: string) => {
    const opened = window.open(url, target, features);
    setBlocked(opened === null);
  };

  return (
    <div className="window-buttons">
      <button
        type="button"
        className="button"
        data-testid="new-window"
        onClick={() => open('/', '_blank')}
      >
        New window
      </button>
      <button
        type="button"
        className="button"
        data-testid="detach-panel"
        onClick={() => {
          setPanels(panels + 1);
          open('/panel.html', `statesync-panel-${panels + 1}`, 'popup,width=440,height=680');
        }}
      >
        Detach panel
      </button>
      <button type="button" className="button" data-testid="add-frame" onClick={onAddFrame}>
        Add iframe client
      </button>
      {blocked && (
        <p className="hint" role="status">
          The browser blocked the new window; allow pop-ups for this page.
        </p>
      )}
    </div>
  );
}
