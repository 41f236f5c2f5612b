/// Numerical building blocks for the model-based algorithms: dense linear algebra, the normal distribution,
/// quasi-random sequences and a box-bounded quasi-Newton optimizer. Plain Swift, no system libraries.
import Foundation
