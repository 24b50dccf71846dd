import pc from 'picocolors';

/** Colours are an option passed to renderers; `plainStyle` when off. */
export interface Style {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const id = (s: string): string => s;

export const plainStyle: Style = { green: id, red: id, yellow: id, cyan: id, bold: id, dim: id };

export const colorStyle: Style = {
  green: pc.green,
  red: pc.red,
  yellow: pc.yellow,
  cyan: pc.cyan,
  bold: pc.bold,
  dim: pc.dim,
};

export function styleFor(color: boolean): Style {
  return color ? colorStyle : plainStyle;
}
