import { injectable } from 'tsyringe';

/** This process's view of its own leadership, shared by the scheduler and the status API. */
@injectable()
export class LeaderState {
  schedulerId: string | null = null;
  isLeader = false;
  since: Date | null = null;
}
