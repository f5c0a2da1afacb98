// The panel page embedded in this page: each iframe is one more client of the authority.
export interface FrameClientsProps {
  frames: readonly number[];
  onRemove(id: number): void;
}

export function FrameClients({ frames, onRemove }: FrameClientsProps) {
  if (frames.length === 0) return null;
  return (
    <section className="frames" aria-label="Embedded clients">
      {frames.map((id) => (
        <figure key={id} className="card frame" data-testid="frame-client">
          <figcaption className="frame-caption">
            <span>iframe client {id}</span>
            <button
              type="button"
              className="button button-small button-quiet"
              data-testid="remove-frame"
              onClick={() => onRemove(id)}
            >
              Remove
            </button>
          </figcaption>
          <iframe src="/panel.html" title={`Embedded to-do panel ${id}`} />
        </figure>
      ))}
    </section>
  );
}
