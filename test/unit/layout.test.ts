import { describe, expect, it } from 'vitest';
import { groupIntoWindows, layoutNames, loadLayout } from '../../src/layout/catalog.js';
import { planWindows, type PaneSpec } from '../../src/tmux/fleet.js';

const agents = (n: number): PaneSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `o${i + 1}`, index: i, role: 'r', color: '#000000', cwd: '/', env: {}, argv: ['x', 'y'] }));
const shape = (layout: string, n: number) => planWindows(loadLayout(layout), agents(n)).map((w) => `${w.name}${w.status ? '*' : ''}:${w.agents.length}`);

describe('layouts', () => {
  it('ships tabs, grid and main', () => {
    expect(layoutNames()).toEqual(expect.arrayContaining(['tabs', 'grid', 'main']));
  });

  it('grid: a status window, then windows of four', () => {
    expect(shape('grid', 4)).toEqual(['status*:0', 'o1+o2+o3+o4:4']);
    expect(shape('grid', 9)).toEqual(['status*:0', 'o1+o2+o3+o4:4', 'o5+o6+o7+o8:4', 'o9:1']);
  });

  it('tabs: a status window, then a window per orchestrator', () => {
    expect(shape('tabs', 3)).toEqual(['status*:0', 'o1:1', 'o2:1', 'o3:1']);
  });

  it('main: the status pane shares the one window with every orchestrator', () => {
    expect(shape('main', 16)).toEqual([`fleet*:16`]);
    expect(shape('main', 0)).toEqual(['fleet*:0']);
  });

  it('groupIntoWindows keeps order and never makes an empty window', () => {
    expect(groupIntoWindows(loadLayout('grid'), [1, 2, 3, 4, 5])).toEqual([[1, 2, 3, 4], [5]]);
    expect(groupIntoWindows(loadLayout('grid'), [])).toEqual([]);
  });
});
