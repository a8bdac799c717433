import { Text, makeStyles, tokens } from "@fluentui/react-components";
import { Problem, describeProblem } from "../../shared";

const useStyles = makeStyles({
  list: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    overflowWrap: "anywhere",
  },
});

/** Every problem, one per item, each saying where (row, column) and why. */
export function ProblemList({ problems, label }: { problems: readonly Problem[]; label: string }) {
  const styles = useStyles();
  return (
    <ul className={styles.list} aria-label={label}>
      {problems.map((problem, i) => (
        <li key={i}>
          <Text>{describeProblem(problem)}</Text>
        </li>
      ))}
    </ul>
  );
}
