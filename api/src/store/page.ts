/** One page of a listing; `continuationToken` is the storage's own token (the HTTP layer makes it opaque). */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PageRequest {
  pageSize: number;
  continuationToken?: string;
}

/** Every page of a listing in turn, `pageSize` at a time: one page is held at a time. */
export async function* eachPage<T>(list: (page: PageRequest) => Promise<Page<T>>, pageSize: number): AsyncGenerator<T[]> {
  let continuationToken: string | undefined;
  do {
    const page = await list({ pageSize, continuationToken });
    yield page.items;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}
