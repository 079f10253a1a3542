/** The BOS error code a synchronous call throws, or `ok` when it returns. */
export const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};
