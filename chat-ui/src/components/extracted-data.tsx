import type { ReactNode } from 'react';
import { layoutExtracted } from '../extracted-table.ts';
import type { ExtractedLayout, ExtractedValue } from '../extracted-table.ts';

/** What an AI `extract` step read: a table of records, a key/value table, a list, or text. */
export function ExtractedData({ data }: { data: ExtractedValue }) {
  const layout = layoutExtracted(data);
  return (
    <figure className="step-output" data-testid="extracted-data" data-layout={layout.kind}>
      <figcaption>Data read from the page</figcaption>
      {renderLayout(layout)}
      {'more' in layout && layout.more > 0 && <p className="extracted-more">and {layout.more} more</p>}
    </figure>
  );
}

function renderLayout(layout: ExtractedLayout): ReactNode {
  switch (layout.kind) {
    case 'table':
      return (
        <div className="extracted-scroll">
          <table className="extracted-table">
            <thead>
              <tr>
                {layout.columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {layout.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td key={column}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'record':
      return (
        <div className="extracted-scroll">
          <table className="extracted-table">
            <tbody>
              {layout.entries.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'list':
      return (
        <ul className="output-list">
          {layout.items.map((item, index) => (
            <li key={index}>{item}</li>
          ))}
        </ul>
      );
    case 'text':
      return <blockquote>{layout.text}</blockquote>;
    case 'empty':
      return (
        <blockquote>
          <em>(empty)</em>
        </blockquote>
      );
  }
}
