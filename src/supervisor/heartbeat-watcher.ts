import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Heartbeat } from '../signals/heartbeat.js';

/**
 * Learns of heartbeats from file-system events on the heartbeats directory:
 * no polling loop. Each `<orchestrator>.json` is replaced atomically by its
 * writer, so a read sees a whole heartbeat or the previous one.
 */
export class HeartbeatWatcher {
  private readonly latest = new Map<string, Heartbeat>();
  private watcher: FSWatcher | undefined;

  constructor(
    private readonly dir: string,
    private readonly onBeat: (orchestrator: string, beat: Heartbeat) => void,
  ) {}

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.watcher = watch(this.dir, (_event, file) => {
      if (file && file.endsWith('.json')) void this.read(file);
    });
    for (const file of await readdir(this.dir)) if (file.endsWith('.json')) await this.read(file);
  }

  stop(): void {
    this.watcher?.close();
  }

  get(orchestrator: string): Heartbeat | undefined {
    return this.latest.get(orchestrator);
  }

  private async read(file: string): Promise<void> {
    const name = file.slice(0, -'.json'.length);
    let beat: Heartbeat;
    try {
      beat = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as Heartbeat;
    } catch {
      return; // vanished or replaced between the event and the read: the next event brings it
    }
    const previous = this.latest.get(name);
    if (previous && previous.ts >= beat.ts) return;
    this.latest.set(name, beat);
    this.onBeat(name, beat);
  }
}

export function heartbeatFile(dir: string, orchestrator: string): string {
  return join(dir, `${orchestrator}.json`);
}
